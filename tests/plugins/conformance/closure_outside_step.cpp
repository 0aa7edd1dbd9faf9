// nonconforming_closure_outside_step.so: SGD on the gradient at p + 0.01 g (a closure plugin) that keeps
// the host's cgp.closure/1 after its step and evaluates it again from state_count(), outside any step.
// cgp-conformance must fail it in the "closure" check, which names the evaluation outside a step.
#include <cgp/sdk/closure_optimizer.hpp>

#include <atomic>
#include <cstdint>

namespace {
std::atomic<const cgp_closure_ext*> g_kept{nullptr}; // the defect: a pointer kept past the step
}

struct ClosureOutsideStep {
    static constexpr cgp::sdk::info info{"closure_outside_step", "Closure outside step", "0.0.1",
                                         "evaluates the host's closure after its step returned"};
    enum { lr, hparam_count };
    static constexpr cgp_hparam hparams[] = {{"lr", "learning rate", 0.01, 0.0, 1.0, 0}};
    static constexpr unsigned max_state = 0;

    static std::uint32_t state_count(const double*)
    {
        if (const cgp_closure_ext* kept = g_kept.load()) {
            double loss = 0.0;
            char msg[64];
            kept->evaluate(kept, &loss, msg, sizeof msg);
        }
        return 0;
    }

    template <class T>
    static void step(const cgp::sdk::closure_step<T>& s)
    {
        g_kept.store(&s.closure);
        for (std::size_t i = 0; i < s.n; ++i)
            s.point[i] = s.p[i] + T(0.01) * s.g[i];
        s.evaluate();
        for (std::size_t i = 0; i < s.n; ++i)
            s.p[i] = s.p[i] - static_cast<T>(s.hp[lr]) * s.gradient[i];
    }
};

CGP_REGISTER_CLOSURE_OPTIMIZER(ClosureOutsideStep)
