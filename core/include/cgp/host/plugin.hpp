// cgp/host/plugin.hpp: loading optimizer plugins (Boost.DLL) and finding them on disk.
//
// Plugin::load checks, in this order and before calling any plugin code: the file loads (RTLD_NOW),
// it exports cgp_plugin_entry, its ABI major equals ours and its minor is not newer, and the CPU has
// every instruction set it requires. Only then is get_descriptor() called, and the descriptor is
// validated (strings present, hyperparameter names well formed and unique, defaults inside their
// ranges, functions present). Every refusal is a cgp::Error naming the plugin path and saying what to
// try. A Plugin keeps its library loaded; everything bound to it holds a shared_ptr.
#pragma once

#include <cgp/training/optimizer.hpp>
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

// A plugin bound to hyperparameter values: the Optimizer a training run uses.
class PluginOptimizer final : public Optimizer {
public:
    // Validates the values (throws cgp::Error).
    PluginOptimizer(std::shared_ptr<const Plugin> plugin, std::vector<double> hparams);

    std::string id() const override { return plugin_->id(); }
    std::size_t state_count() const override { return state_count_; }
    void step(std::uint64_t t, std::span<float> params, std::span<const float> grads, std::span<float* const> state,
              bool scalar = false) override;
    void step(std::uint64_t t, std::span<double> params, std::span<const double> grads,
              std::span<double* const> state, bool scalar = false) override;

    const Plugin& plugin() const noexcept { return *plugin_; }
    const std::vector<double>& hparams() const noexcept { return hparams_; }

private:
    template <class T, class Fn>
    void run(Fn fn, std::uint64_t t, std::span<T> params, std::span<const T> grads, std::span<T* const> state,
             bool scalar);
    std::shared_ptr<const Plugin> plugin_;
    std::vector<double> hparams_;
    std::size_t state_count_ = 0;
};

// CGP_ISA_* bits of what this CPU can execute.
std::uint32_t cpu_isa() noexcept;
// "avx2 fma3" for a set of CGP_ISA_* bits.
std::string isa_names(std::uint32_t isa);

// Where plugins are looked for, in order: each --plugin-dir, each entry of CGP_PLUGIN_PATH, the
// folder `plugins` next to the program, <program>/../lib/cgp/plugins, and the install's plugin folder.
std::vector<std::filesystem::path> plugin_search_path(const std::vector<std::filesystem::path>& plugin_dirs);

// --optimizer value to a file: a path (contains '/', or names an existing file), else a name such as
// "adam" or "adam.so" looked up along the search path. Throws cgp::Error listing where it looked.
std::filesystem::path resolve_plugin(std::string_view spec, const std::vector<std::filesystem::path>& search);

// Every *.so file along the search path (first occurrence of each file name), sorted by name.
std::vector<std::filesystem::path> find_plugins(const std::vector<std::filesystem::path>& search);

} // namespace cgp
