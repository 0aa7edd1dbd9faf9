// nonconforming_undeclared_decay.so: SGD with decoupled weight decay through a hyperparameter named
// weight_decay that does not carry CGP_HPARAM_DECOUPLED_DECAY (ABI 1.3): the name declares nothing, so a
// zero gradient that moves the parameters must fail "zero_gradient", which names the flag.
#include "sgd_parts.hpp"

struct UndeclaredDecay : DecoupledDecay<1, 0> { // the defect: the decay is not declared
    static constexpr cgp::sdk::info info{"undeclared_decay", "Undeclared decay", "0.0.1",
                                         "decoupled weight decay without its declaration"};
};

CGP_REGISTER_OPTIMIZER(UndeclaredDecay)
