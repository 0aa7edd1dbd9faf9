// Check "loading": what Plugin::load refuses (missing entry symbol, ABI mismatch, missing CPU
// features, incomplete descriptor) fails here with the host's message; on top, the descriptor must be
// the same object with the same contents on every call, reserved fields zero, every hyperparameter
// documented, and state_count() and simd_path() pure. An optimizer file's descriptor, which the host
// compiles, is held to the same rules.
#include <cgp/sdk/abi.h>
#include "check_support.hpp"
#include "checks.hpp"

#include <cgp/optfile/optfile.hpp>

#include <boost/dll/shared_library.hpp>

#include <cstring>
#include <optional>

namespace cgp::conformance {

namespace {

// The descriptor's contents, copied, to compare calls.
struct DescriptorContents {
    std::vector<std::string> texts;
    std::vector<double> numbers;
    std::vector<const void*> pointers;
    bool operator==(const DescriptorContents&) const = default;
};

std::string text_of(const char* s)
{
    return s != nullptr ? std::string(s) : std::string("<null>");
}

DescriptorContents contents_of(const cgp_optimizer_descriptor& d)
{
    DescriptorContents c;
    c.texts = {text_of(d.id), text_of(d.name), text_of(d.version), text_of(d.summary), text_of(d.algorithm)};
    c.numbers = {double(d.struct_size),  double(d.reserved0),    double(d.hparam_count),
                 double(d.isa_variants), double(d.simd_max_ulp), double(d.reserved1)};
    c.pointers = {d.hparams,
                  reinterpret_cast<const void*>(d.state_count),
                  reinterpret_cast<const void*>(d.validate),
                  reinterpret_cast<const void*>(d.step_f32),
                  reinterpret_cast<const void*>(d.step_f64),
                  reinterpret_cast<const void*>(d.simd_path)};
    for (std::uint32_t i = 0; i < d.hparam_count && d.hparams != nullptr; ++i) {
        const cgp_hparam& h = d.hparams[i];
        c.texts.push_back(text_of(h.name));
        c.texts.push_back(text_of(h.help));
        c.numbers.insert(c.numbers.end(), {h.default_value, h.min_value, h.max_value, double(h.flags)});
    }
    return c;
}

std::string checked_path_name(const cgp_optimizer_descriptor& d, std::uint32_t flags)
{
    const char* first = d.simd_path(flags);
    const char* again = d.simd_path(flags);
    if (first == nullptr || *first == '\0')
        fail("simd_path({}) returned {}; return a static name such as \"scalar\" or \"avx2\"", flags,
             first == nullptr ? "NULL" : "an empty string");
    if (again == nullptr || std::strcmp(first, again) != 0)
        fail("simd_path({}) returned '{}', then '{}': it must be a pure function", flags, first, text_of(again));
    return first;
}

} // namespace

Outcome check_loading(const Plugin& plugin)
{
    // An optimizer file (.opt) has no library and no entry symbol: the host compiled its descriptor,
    // which must hold still all the same.
    const bool file = optfile::is_optimizer_file(plugin.path().native());
    std::optional<boost::dll::shared_library> lib;
    const cgp_plugin_entry_t* entry = nullptr;
    if (!file) {
        note_progress("reading the entry symbol again");
        lib.emplace(plugin.path(), boost::dll::load_mode::rtld_now | boost::dll::load_mode::rtld_local);
        entry = &lib->get<const cgp_plugin_entry_t>(CGP_PLUGIN_ENTRY_SYMBOL);
        if (entry->reserved != 0)
            fail("cgp_plugin_entry.reserved is {}, must be 0", entry->reserved);
    }
    const auto get_descriptor = [&] {
        return file ? static_cast<const cgp_optimizer_descriptor*>(plugin.descriptor_object())
                    : entry->get_descriptor();
    };

    note_progress("calling get_descriptor() repeatedly");
    const cgp_optimizer_descriptor* first = get_descriptor();
    if (first != plugin.descriptor_object())
        fail("get_descriptor() returned another object on its second call; return the address of one static "
             "descriptor");
    const DescriptorContents before = contents_of(*first);
    for (int call = 0; call < 3; ++call) {
        const cgp_optimizer_descriptor* again = get_descriptor();
        if (again != first)
            fail("get_descriptor() returned another object on a repeated call; return one static descriptor");
        if (contents_of(*again) != before)
            fail("the descriptor's contents changed between calls to get_descriptor(); it must be constant");
    }
    const cgp_optimizer_descriptor& d = *first;
    if (d.reserved0 != 0 || d.reserved1 != 0)
        fail("descriptor reserved fields are {} and {}, must be 0", d.reserved0, d.reserved1);
    for (const HyperParam& h : plugin.hparams())
        if (h.help.empty())
            fail("hyperparameter '{}' has no help text; cgp-run --help shows it", h.name);

    note_progress("calling state_count() and simd_path()");
    const std::vector<double> defaults = plugin.defaults();
    const std::uint32_t states = d.state_count(defaults.data());
    if (d.state_count(defaults.data()) != states)
        fail("state_count() gave two answers for the same hyperparameters; it must be a pure function");
    if (states > CGP_MAX_STATE_ARRAYS)
        fail("state_count() returned {} for the defaults (at most {}, CGP_MAX_STATE_ARRAYS)", states,
             CGP_MAX_STATE_ARRAYS);
    const std::string simd = checked_path_name(d, 0);
    const std::string scalar = checked_path_name(d, CGP_STEP_SCALAR);

    return pass(fmt::format("{} {} ({}), ABI {}.{}, algorithm {}, hyperparameters: {}, state arrays: {}, paths {}/{}",
                            plugin.id(), plugin.version(), plugin.name(), plugin.abi_major(), plugin.abi_minor(),
                            plugin.algorithm().empty() ? "none" : plugin.algorithm(), plugin.hparams().size(), states,
                            simd, scalar));
}

} // namespace cgp::conformance
