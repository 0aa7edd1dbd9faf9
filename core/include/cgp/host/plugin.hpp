// cgp/host/plugin.hpp: loading an optimizer plugin (Boost.DLL) and checking its entry and descriptor.
//
// Plugin::load checks, in this order: the file is a 64-bit ELF shared object for this machine that
// defines cgp_plugin_entry; the entry's ABI major, read from the file without loading it, equals
// ours (any minor: abi.h's growth rule); the CPU has every instruction set it requires. Only then is
// the library loaded (its constructors run) and get_descriptor() called; the descriptor is read as
// far as its struct_size covers (absent fields take their documented defaults) and validated
// (strings present, hyperparameter names well formed and unique, defaults inside their ranges,
// functions present, the extensions this host knows of a version and size it knows). Every refusal
// is a cgp::Error naming the plugin path and saying what to try. A Plugin keeps its library loaded;
// everything bound to it holds a shared_ptr. A path ending in .opt is an optimizer file
// (cgp/optfile/): the host compiles it into the same descriptor, and the same checks follow.
#pragma once

#include <cgp/sdk/abi.h>

#include <filesystem>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace cgp {

struct HyperParam {
    std::string name; // as declared: "eps_inside_sqrt"
    std::string help;
    double default_value = 0.0;
    double min_value = 0.0;
    double max_value = 0.0;
    std::uint32_t flags = 0; // CGP_HPARAM_*

    // The command-line spelling: underscores become dashes ("eps-inside-sqrt").
    std::string option_name() const;
    // "[0, 1)" etc., with the integer note when it applies.
    std::string range_text() const;
};

class Plugin {
public:
    static std::shared_ptr<const Plugin> load(const std::filesystem::path& path);
    ~Plugin();

    const std::filesystem::path& path() const noexcept { return path_; }
    // The descriptor as this host knows it (ABI CGP_ABI_MAJOR.CGP_ABI_MINOR): the fields the plugin's
    // struct_size covers, and the documented defaults (null) for the ones it does not.
    const cgp_optimizer_descriptor& descriptor() const noexcept { return desc_; }
    // The plugin's own descriptor object, for identity checks only (its size is its struct_size).
    const void* descriptor_object() const noexcept { return raw_desc_; }
    // The plugin's extension struct by id ("cgp.initial_state/1"), unchecked; nullptr when the plugin
    // offers none (or is a 1.0 plugin). cgp/host/extension.hpp checks version and size.
    const void* raw_extension(const char* id) const noexcept;
    const std::string& id() const noexcept { return id_; }
    const std::string& name() const noexcept { return name_; }
    const std::string& version() const noexcept { return version_; }
    const std::string& summary() const noexcept { return summary_; }
    const std::string& algorithm() const noexcept { return algorithm_; } // "" when none
    const std::vector<HyperParam>& hparams() const noexcept { return hparams_; }
    std::uint32_t abi_major() const noexcept { return abi_major_; }
    std::uint32_t abi_minor() const noexcept { return abi_minor_; }
    std::uint32_t isa_required() const noexcept { return isa_required_; }

    // Index of a hyperparameter by name, or -1.
    int find_hparam(std::string_view name) const noexcept;
    std::vector<double> defaults() const;
    // Checks values (schema order) against the ranges and the plugin's validate(); throws cgp::Error
    // naming the hyperparameter, its value and its range.
    void validate(std::span<const double> values) const;
    std::size_t state_count(std::span<const double> values) const;
    // "avx512f", "avx2", "sse2" or "scalar": the path a step takes here.
    std::string simd_path(bool scalar = false) const;

private:
    Plugin() = default;
    static std::shared_ptr<const Plugin> load_optimizer_file(const std::filesystem::path& path);
    // Reads and checks the descriptor of a plugin whose library (or optimizer file) p holds.
    static std::shared_ptr<const Plugin> adopt_descriptor(std::shared_ptr<Plugin> p,
                                                          const cgp_optimizer_descriptor* raw);
    struct Library;
    std::unique_ptr<Library> lib_; // declared first: destroyed last
    cgp_optimizer_descriptor desc_{};
    const cgp_optimizer_descriptor* raw_desc_ = nullptr;
    std::filesystem::path path_;
    std::string id_, name_, version_, summary_, algorithm_;
    std::vector<HyperParam> hparams_;
    std::uint32_t abi_major_ = 0, abi_minor_ = 0, isa_required_ = 0;
};

} // namespace cgp
