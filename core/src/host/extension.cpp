// Extension lookup with version and size checks; cgp.initial_state/1 (query and fill) and
// cgp.run_state/1 (query).
#include <cgp/host/extension.hpp>
#include <cgp/io/error.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

namespace cgp {

namespace {

// The header every extension struct starts with (abi.h, "Extensions").
struct ExtensionHeader {
    std::uint32_t struct_size;
    std::uint32_t version;
};

[[noreturn]] void refuse_extension(const Plugin& plugin, const char* id, const std::string& what)
{
    throw Error(fmt::format("plugin '{}': extension '{}': {}\nhint: rebuild the plugin against this cgp's SDK, or "
                            "update cgp",
                            plugin.path().string(), id, what));
}

template <class T>
void fill_array(std::uint32_t kind, double value, std::span<const T> params, std::span<T> array) noexcept
{
    switch (kind) {
    case CGP_INITIAL_CONSTANT: std::fill(array.begin(), array.end(), static_cast<T>(value)); break;
    case CGP_INITIAL_PARAMS: std::copy(params.begin(), params.end(), array.begin()); break;
    default: std::fill(array.begin(), array.end(), T(0)); break;
    }
}

} // namespace

const void* find_extension(const Plugin& plugin, const char* id, std::uint32_t version, std::size_t known_size)
{
    const void* ext = plugin.raw_extension(id);
    if (ext == nullptr)
        return nullptr;
    const auto* header = static_cast<const ExtensionHeader*>(ext);
    if (header->version != version)
        refuse_extension(
            plugin, id, fmt::format("the struct says version {}, this cgp knows version {}", header->version, version));
    if (header->struct_size < known_size)
        refuse_extension(plugin, id,
                         fmt::format("struct_size {} is smaller than this cgp's {} for version {}", header->struct_size,
                                     known_size, version));
    return ext;
}

void check_known_extensions(const Plugin& plugin)
{
    if (const auto* ext = find_extension<cgp_initial_state_ext>(plugin, CGP_EXT_INITIAL_STATE, 1);
        ext != nullptr && ext->initial_state == nullptr)
        refuse_extension(plugin, CGP_EXT_INITIAL_STATE, "initial_state is null");
    find_extension<cgp_tensor_hparams_ext>(plugin, CGP_EXT_TENSOR_HPARAMS, 1); // version and size
    if (const auto* ext = find_extension<cgp_run_state_ext>(plugin, CGP_EXT_RUN_STATE, 1);
        ext != nullptr && (ext->sizes == nullptr || ext->initial == nullptr))
        refuse_extension(plugin, CGP_EXT_RUN_STATE, "sizes or initial is null");
    find_extension<cgp_needs_closure_ext>(plugin, CGP_EXT_NEEDS_CLOSURE, 1); // version and size
}

bool needs_closure(const Plugin& plugin)
{
    return find_extension<cgp_needs_closure_ext>(plugin, CGP_EXT_NEEDS_CLOSURE, 1) != nullptr;
}

void refuse_closure_plugin(const Plugin& plugin, std::string_view program, std::string_view why)
{
    if (!needs_closure(plugin))
        return;
    throw Error(fmt::format("optimizer '{}' ({}) evaluates the loss at parameters of its own inside each step (it "
                            "offers cgp.needs_closure/1), which {} cannot serve: {}\nhint: train it with cgp-run, "
                            "cgp-sweep or cgp.train, which serve cgp.closure/1",
                            plugin.id(), plugin.path().string(), program, why));
}

RunStateDeclaration declared_run_state(const Plugin& plugin, std::span<const double> hparams)
{
    RunStateDeclaration d;
    const auto* ext = find_extension<cgp_run_state_ext>(plugin, CGP_EXT_RUN_STATE, 1);
    if (ext == nullptr)
        return d;
    const auto refused = [&plugin](const char* what, const char* msg) {
        return Error(fmt::format("optimizer '{}' ({}) cannot give its run state {}: {}", plugin.id(),
                                 plugin.path().string(), what, msg[0] != '\0' ? msg : "(no message)"));
    };
    char msg[512] = {0};
    std::uint32_t per_run = 0, per_tensor = 0;
    if (ext->sizes(hparams.data(), &per_run, &per_tensor, msg, sizeof msg) != CGP_OK)
        throw refused("sizes", msg);
    if (per_run > CGP_RUN_STATE_MAX || per_tensor > CGP_RUN_STATE_MAX)
        refuse_extension(plugin, CGP_EXT_RUN_STATE,
                         fmt::format("it declares {} values per run and {} per tensor; at most {} each", per_run,
                                     per_tensor, CGP_RUN_STATE_MAX));
    d.declared = true;
    d.run.assign(per_run, 0.0);
    d.tensor.assign(per_tensor, 0.0);
    if (ext->initial(hparams.data(), d.run.data(), per_run, d.tensor.data(), per_tensor, msg, sizeof msg) != CGP_OK)
        throw refused("initial values", msg);
    for (const std::vector<double>* v : {&d.run, &d.tensor})
        for (std::size_t k = 0; k < v->size(); ++k)
            if (!std::isfinite((*v)[k]))
                refuse_extension(plugin, CGP_EXT_RUN_STATE,
                                 fmt::format("{} value {} starts at {}, not a finite number",
                                             v == &d.run ? "run" : "per-tensor", k, (*v)[k]));
    return d;
}

InitialState::InitialState(const Plugin& plugin, std::span<const double> hparams, std::size_t state_count)
    : kinds_(state_count, CGP_INITIAL_ZERO), values_(state_count, 0.0)
{
    const auto* ext = find_extension<cgp_initial_state_ext>(plugin, CGP_EXT_INITIAL_STATE, 1);
    if (ext == nullptr || state_count == 0)
        return;
    char msg[512] = {0};
    const int status = ext->initial_state(hparams.data(), static_cast<std::uint32_t>(state_count), kinds_.data(),
                                          values_.data(), msg, sizeof msg);
    if (status != CGP_OK)
        throw Error(fmt::format("optimizer '{}' ({}) cannot give the initial state: {}", plugin.id(),
                                plugin.path().string(), msg[0] != '\0' ? msg : "(no message)"));
    for (std::size_t k = 0; k < state_count; ++k) {
        if (kinds_[k] > CGP_INITIAL_PARAMS)
            refuse_extension(plugin, CGP_EXT_INITIAL_STATE,
                             fmt::format("state array {} has initial kind {}; this cgp knows 0 (zero), 1 (constant) "
                                         "and 2 (a copy of the parameters)",
                                         k, kinds_[k]));
        if (kinds_[k] == CGP_INITIAL_CONSTANT && !std::isfinite(values_[k]))
            refuse_extension(plugin, CGP_EXT_INITIAL_STATE,
                             fmt::format("state array {} starts at {}, not a finite number", k, values_[k]));
    }
}

bool InitialState::all_zero() const noexcept
{
    for (std::size_t k = 0; k < kinds_.size(); ++k)
        if (kinds_[k] != CGP_INITIAL_ZERO && !(kinds_[k] == CGP_INITIAL_CONSTANT && values_[k] == 0.0))
            return false;
    return true;
}

void InitialState::fill(std::size_t k, std::span<const float> params, std::span<float> array) const noexcept
{
    fill_array<float>(kinds_[k], values_[k], params, array);
}

void InitialState::fill(std::size_t k, std::span<const double> params, std::span<double> array) const noexcept
{
    fill_array<double>(kinds_[k], values_[k], params, array);
}

} // namespace cgp
