// Check "isa_variants", and --variant: every SIMD variant the plugin built and this CPU can run is
// stepped against the scalar form, each in a child process of its own in which CGP_ISA_DISABLE removes
// the wider instruction sets, so a plugin whose SDK honours that variable picks that variant (the
// widest one the CPU runs is the plugin's own choice, the one every other check steps). A variant the
// plugin cannot be steered to (its simd_path() names another) is reported, since it goes untested.
#include "check_support.hpp"
#include "checks.hpp"

#include <cgp/host/cpu.hpp>

#include <fmt/ranges.h>

#include <cstdlib>

namespace cgp::conformance {

namespace {

const IsaVariant kVariants[] = {
    {"avx512f", CGP_ISA_AVX512F, ""},
    {"avx2", CGP_ISA_AVX2 | CGP_ISA_FMA3, "avx512f"},
    {"sse2", 0, "avx512f,avx2"},
};

std::string g_selected;

// Whether the plugin's SIMD path in this process is the variant v.
bool takes(const Plugin& plugin, const IsaVariant& v)
{
    const std::string path = plugin.simd_path(false);
    if (v.isa != 0)
        return path == v.name;
    for (const IsaVariant& wider : kVariants)
        if (wider.isa != 0 && path == wider.name)
            return false;
    return true;
}

} // namespace

std::span<const IsaVariant> isa_variants()
{
    return kVariants;
}

const IsaVariant* find_isa_variant(std::string_view name)
{
    for (const IsaVariant& v : kVariants)
        if (v.name == name)
            return &v;
    return nullptr;
}

void select_variant(const IsaVariant& v)
{
    g_selected = std::string(v.name);
    ::setenv("CGP_ISA_DISABLE", std::string(v.disable).c_str(), 1);
}

const std::string& selected_variant()
{
    return g_selected;
}

std::string variant_unavailable(const Plugin& plugin, const IsaVariant& v)
{
    const std::uint32_t built = plugin.descriptor().isa_variants;
    if (v.isa != 0 && (built & v.isa) != v.isa)
        return fmt::format("the plugin has no {} variant (it was built with{}{})", v.name,
                           built == 0 ? " the baseline only" : ": ", built == 0 ? "" : isa_names(built));
    if ((cpu_isa() & v.isa) != v.isa)
        return fmt::format("this CPU cannot run {} (it has: {})", v.name, isa_names(cpu_isa()));
    if (!takes(plugin, v))
        return fmt::format("with CGP_ISA_DISABLE={} the plugin still steps {}: its SDK picks the variant itself "
                           "and cannot be told to run {}; hint: rebuild it with an SDK whose dispatch honours "
                           "CGP_ISA_DISABLE, or leave out --variant",
                           v.disable.empty() ? "\"\"" : std::string(v.disable), plugin.simd_path(false), v.name);
    return {};
}

Outcome check_isa_variants(const Plugin& plugin)
{
    const std::uint32_t built = plugin.descriptor().isa_variants;
    std::vector<std::string> compared, unsteerable, not_runnable;
    for (const IsaVariant& v : kVariants) {
        if (v.isa != 0 && (built & v.isa) != v.isa)
            continue;
        if (!g_selected.empty() && v.name != g_selected)
            continue;
        if ((cpu_isa() & v.isa) != v.isa) {
            not_runnable.push_back(std::string(v.name));
            continue;
        }
        // In a child, so this process keeps the plugin's own choice for the next variants.
        const Outcome o = run_isolated(
            [&]() -> Outcome {
                ::setenv("CGP_ISA_DISABLE", std::string(v.disable).c_str(), 1);
                note_progress(fmt::format("asking for the {} variant (CGP_ISA_DISABLE={})", v.name, v.disable));
                if (!takes(plugin, v))
                    return skip(plugin.simd_path(false));
                try {
                    compare_simd_with_scalar(plugin);
                } catch (const std::exception& e) {
                    return {Status::Fail, e.what()};
                }
                return pass("");
            },
            check_timeout());
        if (o.status == Status::Fail)
            fail("the {} variant: {}", v.name, o.detail);
        (o.status == Status::Skip ? unsteerable : compared).push_back(std::string(v.name));
    }
    std::string detail = fmt::format("variants built: {}; ", built == 0 ? std::string("the baseline only")
                                                                        : isa_names(built) + " and the baseline");
    if (!compared.empty())
        detail += fmt::format("{} stepped, each in a process of its own with CGP_ISA_DISABLE naming the wider "
                              "instruction sets, and equal to the scalar form at every hyperparameter set and length",
                              fmt::join(compared, ", "));
    if (!not_runnable.empty())
        detail += fmt::format("; this CPU cannot run {}", fmt::join(not_runnable, ", "));
    if (unsteerable.empty())
        return pass(detail);
    return skip(detail + fmt::format("; not tested: {}, because the plugin's dispatch ignores CGP_ISA_DISABLE (its "
                                     "SDK picks the widest variant the CPU has; an SDK that removes the instruction "
                                     "sets named in CGP_ISA_DISABLE from its choice lets this check test them)",
                                     fmt::join(unsteerable, ", ")));
}

} // namespace cgp::conformance
