// host_probe.so: a test plugin that writes what the host offers its step into the parameters, so
// tests can see it: in the first tensor p[0] = the batch loss, p[1] = planned steps, p[2] = the seed
// modulo 2^20, p[3] = the number of tensors; every other element is left alone.
// Built with PROBE_SHAPE (shape_probe.so) it writes, in every tensor, the tensor it is offered
// (cgp.tensors/1): p[0] = rank, p[1..4] = shape[0..3], p[5] = kind, p[6] = the number of tensors.
#include <cgp/sdk/tensor_optimizer.hpp>

struct HostProbe {
#ifdef PROBE_SHAPE
    static constexpr cgp::sdk::info info{"shape_probe", "Shape probe", "0.0.1",
                                         "writes the offered tensor's shape into the parameters (a test plugin)"};
#else
    static constexpr cgp::sdk::info info{"host_probe", "Host probe", "0.0.1",
                                         "writes the step context into the parameters (a test plugin)"};
#endif
    enum { lr, hparam_count };
    static constexpr cgp_hparam hparams[] = {{"lr", "unused", 1e-3, 0.0, 1.0, 0}};
    static constexpr unsigned max_state = 0;

    template <class T>
    static void step(const cgp::sdk::tensor_step<T>& s)
    {
#ifdef PROBE_SHAPE
        const T shape[] = {static_cast<T>(s.tensor.rank),     static_cast<T>(s.tensor.shape[0]),
                           static_cast<T>(s.tensor.shape[1]), static_cast<T>(s.tensor.shape[2]),
                           static_cast<T>(s.tensor.shape[3]), static_cast<T>(s.tensor.kind),
                           static_cast<T>(s.tensors.size())};
        for (std::size_t i = 0; i < 7 && i < s.n; ++i)
            s.p[i] = shape[i];
#else
        if (s.tensor.offset != 0)
            return;
        const T values[] = {static_cast<T>(s.context.loss), static_cast<T>(s.context.planned_steps),
                            static_cast<T>(s.context.seed % (1u << 20)), static_cast<T>(s.tensors.size())};
        for (std::size_t i = 0; i < 4 && i < s.n; ++i)
            s.p[i] = values[i];
#endif
    }
};

CGP_REGISTER_TENSOR_OPTIMIZER(HostProbe)
