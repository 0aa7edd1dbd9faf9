// conforming_decoupled_weight_decay.so: SGD with decoupled weight decay (SGDW), declared by flagging its
// hyperparameter weight_decay CGP_HPARAM_DECOUPLED_DECAY: p <- p - lr*weight_decay*p - lr*g. With no gradient it moves the
// parameters, exactly as declared, so it must pass "zero_gradient" (and every other check).
#include "sgd_parts.hpp"

struct Sgdw : DecoupledDecay<1> {
    static constexpr cgp::sdk::info info{"decoupled_weight_decay", "SGDW", "0.0.1", "SGD with decoupled weight decay"};
};

CGP_REGISTER_OPTIMIZER(Sgdw)
