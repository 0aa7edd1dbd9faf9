// nonconforming_decay_grows.so: SGD with decoupled weight decay, declared by flagging its hyperparameter
// weight_decay CGP_HPARAM_DECOUPLED_DECAY, whose decay has the wrong sign: p <- p + lr*weight_decay*p - lr*g, so with no gradient
// the parameters grow. cgp-conformance must fail it in the "zero_gradient" check, naming the declared
// movement.
#include "sgd_parts.hpp"

struct DecayGrows : DecoupledDecay<-1> { // the defect: the sign of the decay
    static constexpr cgp::sdk::info info{"decay_grows", "Decay grows", "0.0.1",
                                         "decoupled weight decay with the wrong sign"};
};

CGP_REGISTER_OPTIMIZER(DecayGrows)
