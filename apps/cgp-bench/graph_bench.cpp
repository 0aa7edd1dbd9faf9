// Section 1 of cgp-bench: forward + backward of the graph kernels, every SIMD path side by side.
#include "bench.hpp"

#include <cgp/graph/graph.hpp>
#include <cgp/data/rng.hpp>
#include <cgp/tape/tape.hpp>

#include <fmt/format.h>

#include <functional>

namespace cgp::bench {
namespace {

// A model of the section, built only when one of its cases is selected (a 1024-wide model is
// most of a filtered run's time otherwise).
struct Model {
    std::string name;
    std::function<Graph()> build;
};

std::vector<Model> models(const Settings& s)
{
    std::vector<Model> out;
    for (const char* preset : {"one-neuron", "multi-neuron"})
        out.push_back({preset, [preset] { return build_graph(preset_model(preset)); }});
    std::vector<int> widths = s.quick ? std::vector<int>{16, 64} : std::vector<int>{16, 64, 256, 1024};
    for (int w : widths)
        out.push_back({fmt::format("layers {0}-{0}-{0}-1", w), [w] {
                           return build_graph(layered_model({w, w, w, 1}));
                       }});
    out.push_back({"layers 64-256-256-1", [] { return build_graph(layered_model({64, 256, 256, 1})); }});
    return out;
}

std::string case_name(const Model& m, std::size_t batch, const char* dtype)
{
    return fmt::format("graph {} batch {} {}", m.name, batch, dtype);
}

template <class T>
Timing time_tape(const Graph& g, std::size_t batch, SimdPath path, const Settings& s)
{
    Tape<T> tape(g, batch, path);
    fill_for_timing(tape);
    HarnessOptions h = s.harness;
    return measure([&] { keep(tape.forward_backward()); }, h);
}

} // namespace

void bench_graph(const Settings& s, Report& r)
{
    const std::vector<std::size_t> batches =
        s.quick ? std::vector<std::size_t>{8, 32} : std::vector<std::size_t>{8, 32, 256};
    auto& rows = r.json["graph"] = nlohmann::ordered_json::array();
    if (r.print_text) {
        fmt::print("\nGraph kernels: forward + backward of one batch (median); speed-up over scalar in ()\n");
        fmt::print("{:<22} {:>5} {:>5}", "model", "batch", "dtype");
        for (SimdPath p : s.paths)
            fmt::print(" {:>18}", to_string(p));
        fmt::print("\n");
    }
    for (const Model& m : models(s)) {
        bool any = false;
        for (std::size_t batch : batches)
            for (const char* dtype : {"f32", "f64"})
                any = any || selected(s, case_name(m, batch, dtype));
        if (!any)
            continue;
        const Graph graph = m.build();
        for (std::size_t batch : batches) {
            for (const char* dtype : {"f32", "f64"}) {
                const std::string name = case_name(m, batch, dtype);
                if (!selected(s, name))
                    continue;
                if (r.print_text)
                    fmt::print("{:<22} {:>5} {:>5}", m.name, batch, dtype);
                nlohmann::ordered_json row{{"model", m.name}, {"batch", batch}, {"dtype", dtype}};
                double scalar = 0.0;
                for (SimdPath p : s.paths) {
                    const Timing t = std::string(dtype) == "f32" ? time_tape<float>(graph, batch, p, s)
                                                                 : time_tape<double>(graph, batch, p, s);
                    if (p == SimdPath::Scalar)
                        scalar = t.median;
                    const double speedup = scalar > 0 ? scalar / t.median : 0.0;
                    row["seconds"][std::string(to_string(p))] = t.median;
                    row["speedup"][std::string(to_string(p))] = speedup;
                    if (r.print_text) {
                        fmt::print(" {:>18}", p == SimdPath::Scalar
                                                  ? format_seconds(t.median)
                                                  : fmt::format("{} ({:.1f}x)", format_seconds(t.median), speedup));
                        std::fflush(stdout);
                    }
                }
                if (r.print_text)
                    fmt::print("\n");
                rows.push_back(row);
            }
        }
    }
}

} // namespace cgp::bench
