// cgp/host/extension.hpp: a plugin's extensions (abi.h, get_extension) by id, checked against the
// versions and sizes this host knows, and the ones the host applies: cgp.initial_state/1 and
// cgp.run_state/1.
#pragma once

#include <cgp/host/plugin.hpp>

#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

namespace cgp {

// The plugin's extension struct `id`, or nullptr when the plugin offers none by that id. Throws
// cgp::Error naming the plugin path and the extension when the struct says another version than
// `version`, or its struct_size is smaller than known_size (this host's struct of that version).
const void* find_extension(const Plugin& plugin, const char* id, std::uint32_t version, std::size_t known_size);

template <class Ext>
const Ext* find_extension(const Plugin& plugin, const char* id, std::uint32_t version)
{
    return static_cast<const Ext*>(find_extension(plugin, id, version, sizeof(Ext)));
}

// Checks every extension this host knows, so Plugin::load refuses a bad one before any run.
void check_known_extensions(const Plugin& plugin);

// What each state array holds before step 1: cgp.initial_state/1's declaration, or all zero.
class InitialState {
public:
    // Asks the plugin for these (validated) hyperparameters; throws cgp::Error naming the plugin when
    // it refuses, or declares an unknown kind or a non-finite value.
    InitialState(const Plugin& plugin, std::span<const double> hparams, std::size_t state_count);

    std::uint32_t kind(std::size_t k) const noexcept { return kinds_[k]; } // CGP_INITIAL_*
    double value(std::size_t k) const noexcept { return values_[k]; }
    bool all_zero() const noexcept;

    // Fills state array k (params.size() elements) with its initial values.
    void fill(std::size_t k, std::span<const float> params, std::span<float> array) const noexcept;
    void fill(std::size_t k, std::span<const double> params, std::span<double> array) const noexcept;

private:
    std::vector<std::uint32_t> kinds_;
    std::vector<double> values_;
};

// What cgp.run_state/1 declares for some hyperparameters: the initial values per run and per tensor
// (their sizes are the declared sizes). Both empty when the plugin does not offer the extension.
struct RunStateDeclaration {
    bool declared = false;
    std::vector<double> run, tensor;
};
// Asks the plugin for these (validated) hyperparameters; throws cgp::Error naming the plugin when it
// refuses, declares more than CGP_RUN_STATE_MAX values or a non-finite initial value.
RunStateDeclaration declared_run_state(const Plugin& plugin, std::span<const double> hparams);

// Whether the plugin declares that its steps evaluate the loss at other parameters (cgp.needs_closure/1).
bool needs_closure(const Plugin& plugin);
// For a program that cannot serve cgp.closure/1: throws cgp::Error naming the plugin path, the
// program and why (`why`: what the program does instead of training on a batch) when the plugin needs
// one; does nothing otherwise.
void refuse_closure_plugin(const Plugin& plugin, std::string_view program, std::string_view why);

} // namespace cgp
