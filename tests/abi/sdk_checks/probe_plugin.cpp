// probe_plugin.cpp: a small plugin with one deliberate mistake per CGP_PROBE_<case> definition, each
// of which the SDK must refuse when the plugin compiles, naming what is wrong (see ../CMakeLists.txt).
// Without a case it is a correct plugin, which also checks that the project's compile definition and
// option reached this translation unit (every SIMD variant compiles it too).
#include <cgp/sdk/optimizer.hpp>

#include <cstdint>

#if !defined(CGP_PROBE_DEFINED) || !defined(CGP_PROBE_OPTION)
#error "a compile definition or option given to the plugin target did not reach this variant"
#endif

struct Probe {
#if !defined(CGP_PROBE_missing_info)
    static constexpr cgp::sdk::info info{"probe", "Probe", "0.0.1", "gradient average, for the SDK's checks"};
#endif
#if defined(CGP_PROBE_enum_length)
    enum { step_size, hparam_count }; // average is missing
#elif !defined(CGP_PROBE_missing_enum)
    enum { step_size, average, hparam_count };
#endif
    static constexpr cgp_hparam hparams[] = {{"lr", "step size", 0.05, 0.0, 2.0, 0},
                                             {"average", "weight of the old average", 0.5, 0.0, 1.0, 0}};
    static constexpr unsigned max_state = 1;

    template <class T>
    struct constants {
        T keep, take, lr;
    };
    template <class T>
    static constants<T> prepare(const double* hp, std::uint64_t)
    {
        return {static_cast<T>(hp[1]), static_cast<T>(1.0 - hp[1]), static_cast<T>(hp[0])};
    }

#if !defined(CGP_PROBE_missing_update)
    template <class V, class C>
    static void update(V& p, const V& g, cgp::sdk::states<V, max_state>& s, const C& c)
    {
#if defined(CGP_PROBE_undeclared_state)
        V& mean = s[1]; // max_state is 1: only s[0] exists
#else
        V& mean = s[0];
#endif
        mean = V(c.keep) * mean + V(c.take) * g;
        p = p - V(c.lr) * mean;
    }
#endif
};

CGP_REGISTER_OPTIMIZER(Probe)
