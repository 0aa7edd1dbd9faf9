// step_size.cpp: a well-formed plugin without a hyperparameter named lr (its rate is "step"), for the
// host's decoupled weight decay, which needs a learning rate or --decay-lr.
#include <cgp/sdk/optimizer.hpp>

#include <cstdint>

struct StepSize {
    static constexpr cgp::sdk::info info{"stepsize", "Step size", "0.1.0", "p -= step * g"};
    enum { step, hparam_count };
    static constexpr cgp_hparam hparams[] = {
        {"step", "step size", 0.1, 0.0, 1.0, 0},
    };
    static constexpr unsigned max_state = 0;

    template <class T>
    struct constants {
        T step;
    };
    template <class T>
    static constants<T> prepare(const double* hp, std::uint64_t)
    {
        return {static_cast<T>(hp[step])};
    }
    template <class V, class C>
    static void update(V& p, const V& g, auto&, const C& c)
    {
        p = p - V(c.step) * g;
    }
};

CGP_REGISTER_OPTIMIZER(StepSize)
