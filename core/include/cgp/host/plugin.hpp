// cgp/host/plugin.hpp: loading an optimizer plugin (Boost.DLL) and checking its entry and descriptor.
//
// Plugin::load checks, in this order and before calling any plugin code: the file loads (RTLD_NOW),
// it exports cgp_plugin_entry, its ABI major equals ours and its minor is not newer, and the CPU has
// every instruction set it requires. Only then is get_descriptor() called, and the descriptor is
// validated (strings present, hyperparameter names well formed and unique, defaults inside their
// ranges, functions present). Every refusal is a cgp::Error naming the plugin path and saying what to
// try. A Plugin keeps its library loaded; everything bound to it holds a shared_ptr.
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
    const cgp_optimizer_descriptor& descriptor() const noexcept { return *desc_; }
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
    struct Library;
    std::unique_ptr<Library> lib_; // declared first: destroyed last
    const cgp_optimizer_descriptor* desc_ = nullptr;
    std::filesystem::path path_;
    std::string id_, name_, version_, summary_, algorithm_;
    std::vector<HyperParam> hparams_;
    std::uint32_t abi_major_ = 0, abi_minor_ = 0, isa_required_ = 0;
};

} // namespace cgp
