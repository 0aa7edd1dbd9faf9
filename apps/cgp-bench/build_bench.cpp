// The build part of cgp-bench's graph section: a model's text or layer sizes to a graph, a compiled
// tape and its initial values, for layered models and for expression models of 2x more statements
// each row (so the time per statement shows whether building grows linearly).
#include "bench.hpp"

#include <cgp/graph/graph.hpp>
#include <cgp/training/init.hpp>

#include <fmt/format.h>

#include <functional>
#include <string>

namespace cgp::bench {
namespace {

// A chain of statements, each a linear combination of the one before and the input.
std::string chain_text(int statements)
{
    std::string text = "x0 = a0*xin + b0\n";
    for (int i = 1; i < statements; ++i)
        text += fmt::format("x{} = a{}*x{} + b{}*xin\n", i, i, i - 1, i);
    return text;
}

// Model -> graph -> tape (f32, batch 8) -> initial values in place, once.
void build_once(const ModelSpec& spec)
{
    const Graph g = build_graph(spec);
    Tape<float> tape(g, 8);
    InitSettings init;
    init.scheme = resolve_init(InitScheme::Auto, spec);
    fill_initial_values<float>(g, init, 0, tape.params());
    keep(tape.params()[0]);
}

} // namespace

void bench_build(const Settings& s, Report& r)
{
    struct Case {
        std::string name;
        std::size_t units; // parameters, or statements
        std::function<void()> work;
    };
    std::vector<Case> cases;
    for (int w : s.quick ? std::vector<int>{256, 512} : std::vector<int>{512, 1024, 2048}) {
        const ModelSpec spec = layered_model({w, w, w, 1});
        const std::size_t params = 2 * (static_cast<std::size_t>(w) + 1) * w + w + 1;
        cases.push_back({fmt::format("build layers {0}-{0}-{0}-1", w), params, [spec] { build_once(spec); }});
    }
    for (int n : s.quick ? std::vector<int>{5000, 10000} : std::vector<int>{25000, 50000, 100000}) {
        const std::string text = chain_text(n);
        cases.push_back({fmt::format("build {} statements", n), static_cast<std::size_t>(n),
                         [text] { build_once(parse_model_text("chain", text)); }});
    }
    auto& rows = r.json["build"] = nlohmann::ordered_json::array();
    bool header = false;
    HarnessOptions h = s.harness;
    h.samples = std::min(h.samples, 3);
    for (const Case& c : cases) {
        if (!selected(s, c.name))
            continue;
        if (r.print_text && !header) {
            fmt::print("\nBuild: model -> graph -> tape (f32, batch 8) -> initial values (median)\n");
            fmt::print("{:<32} {:>12} {:>14}\n", "case", "time", "per unit");
            header = true;
        }
        const Timing t = measure(c.work, h);
        const double per = t.median / static_cast<double>(c.units);
        if (r.print_text)
            fmt::print("{:<32} {:>12} {:>11.1f} ns\n", c.name, format_seconds(t.median), per * 1e9);
        rows.push_back({{"case", c.name}, {"units", c.units}, {"seconds", t.median}, {"seconds_per_unit", per}});
    }
}

} // namespace cgp::bench
