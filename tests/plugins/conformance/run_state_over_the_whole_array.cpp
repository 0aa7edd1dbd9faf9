// nonconforming_run_state_over_the_whole_array.so: AdaGrad-norm per tensor (one accumulated squared
// gradient norm per tensor, kept in run state), with a defect: the accumulator is the per-run value,
// so every tensor adds to and divides by the same sum over the whole array. Each step passes the
// per-step checks (it depends only on its arguments and the run state the host keeps); only stepping
// tensor layouts against each tensor alone, run state included, shows that one tensor's update
// depends on the others. The check tensor_layouts must catch it.
//   per tensor: acc += ||g||^2 (the defect: the run's acc, not the tensor's);  p -= lr * g / sqrt(acc + 1e-10)
#include <cgp/sdk/tensor_optimizer.hpp>

#include <cmath>

struct RunStateOverTheWholeArray {
    static constexpr cgp::sdk::info info{"nonconforming_run_state_over_the_whole_array", "AdaGrad-norm (one sum)",
                                         "1.0.0", "AdaGrad-norm whose accumulator is per run, not per tensor"};
    enum { lr, hparam_count };
    static constexpr cgp_hparam hparams[] = {{"lr", "learning rate", 0.1, 0.0, 10.0, 0}};
    static constexpr unsigned max_state = 0;
    static constexpr unsigned run_state_size = 1;
    static constexpr unsigned tensor_state_size = 1; // declared, and left unused: the defect

    template <class T>
    static void step(const cgp::sdk::tensor_step<T>& s)
    {
        double norm2 = 0.0;
        for (std::size_t i = 0; i < s.n; ++i)
            norm2 += static_cast<double>(s.g[i]) * static_cast<double>(s.g[i]);
        s.run[0] += norm2;
        const T scale = static_cast<T>(s.hp[lr] / std::sqrt(s.run[0] + 1e-10));
        for (std::size_t i = 0; i < s.n; ++i)
            s.p[i] = s.p[i] - scale * s.g[i];
    }
};

CGP_REGISTER_TENSOR_OPTIMIZER(RunStateOverTheWholeArray)
