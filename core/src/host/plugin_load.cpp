// Plugin::load: checking a plugin file's entry before loading it, opening it (Boost.DLL), reading its
// descriptor by abi.h's growth rule and checking it, and the schema queries of a loaded plugin.
#include "entry_reader.hpp"

#include <cgp/host/cpu.hpp>
#include <cgp/host/extension.hpp>
#include <cgp/host/plugin.hpp>
#include <cgp/io/error.hpp>
#include <cgp/optfile/descriptor.hpp>
#include <cgp/optfile/optfile.hpp>

#include <boost/dll/shared_library.hpp>
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <dlfcn.h>
#include <set>

namespace cgp {

struct Plugin::Library {
    boost::dll::shared_library lib;
    std::shared_ptr<const cgp_optimizer_descriptor> optimizer_file; // an optimizer file's compiled form
};

namespace {

namespace fs = std::filesystem;

[[noreturn]] void refuse(const fs::path& path, const std::string& what, const std::string& hint = {})
{
    throw Error(fmt::format("plugin '{}': {}{}", path.string(), what, hint.empty() ? "" : "\nhint: " + hint));
}

bool well_formed_name(std::string_view s, std::string_view extra)
{
    if (s.empty() || !(s[0] >= 'a' && s[0] <= 'z'))
        return false;
    return std::all_of(s.begin(), s.end(), [extra](char c) {
        return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || extra.find(c) != std::string_view::npos;
    });
}

std::string checked_string(const fs::path& path, const char* value, const char* field)
{
    if (value == nullptr || *value == '\0')
        refuse(path, fmt::format("invalid descriptor: '{}' is missing", field),
               "fill every string of the descriptor (cgp::sdk::info)");
    return value;
}

std::string format_number(double v)
{
    return fmt::format("{:g}", v);
}

// The descriptor by the growth rule: the fields struct_size covers, the rest zero (absent).
cgp_optimizer_descriptor read_descriptor(const fs::path& path, const cgp_optimizer_descriptor& d)
{
    if (d.struct_size < CGP_DESCRIPTOR_SIZE_1_0)
        refuse(path,
               fmt::format("invalid descriptor: struct_size {} is smaller than ABI {}.0's {}", d.struct_size,
                           CGP_ABI_MAJOR, CGP_DESCRIPTOR_SIZE_1_0),
               "set struct_size to sizeof(cgp_optimizer_descriptor), as cgp::sdk does");
    cgp_optimizer_descriptor known{};
    std::memcpy(static_cast<void*>(&known), &d, std::min<std::size_t>(d.struct_size, sizeof known));
    known.struct_size = d.struct_size;
    return known;
}
} // namespace

std::string HyperParam::option_name() const
{
    std::string s = name;
    std::replace(s.begin(), s.end(), '_', '-');
    return s;
}

std::string HyperParam::range_text() const
{
    const char open = (flags & CGP_HPARAM_MIN_EXCLUSIVE) ? '(' : '[';
    const char close = (flags & CGP_HPARAM_MAX_EXCLUSIVE) ? ')' : ']';
    return fmt::format("{}{}, {}{}{}", open, format_number(min_value), format_number(max_value), close,
                       (flags & CGP_HPARAM_INTEGER) ? ", whole number" : "");
}

std::shared_ptr<const Plugin> Plugin::load(const fs::path& path)
{
    std::error_code ec;
    if (!fs::exists(path, ec))
        refuse(path, "no such file");
    if (fs::is_directory(path, ec))
        refuse(path, "is a directory, not a plugin file");
    if (optfile::is_optimizer_file(path.native()))
        return load_optimizer_file(path);

    // Checked from the file, before the library is loaded and any of its code runs.
    const EntryFields file_entry = read_entry_fields(path);
    if (file_entry.abi_major != CGP_ABI_MAJOR)
        refuse(path,
               fmt::format("built for plugin ABI {}.{}, this cgp speaks ABI {}.x", file_entry.abi_major,
                           file_entry.abi_minor, CGP_ABI_MAJOR),
               fmt::format("rebuild the plugin against cgp-sdk {}.x", CGP_ABI_MAJOR));
    if (const std::uint32_t missing = file_entry.isa_required & ~cpu_isa())
        refuse(path, fmt::format("needs instructions this CPU lacks: {}", isa_names(missing)),
               "rebuild the plugin without -march=native or -m<isa> flags; cgp_add_plugin adds SIMD variants that "
               "are chosen at run time");

    std::shared_ptr<Plugin> p(new Plugin());
    p->path_ = path;
    p->lib_ = std::make_unique<Library>();
    boost::dll::shared_library& lib = p->lib_->lib;
    lib.load(path, boost::dll::load_mode::rtld_now | boost::dll::load_mode::rtld_local, ec);
    if (ec) {
        const char* detail = ::dlerror(); // Boost.DLL leaves dlopen's own message here
        refuse(path, fmt::format("cannot be loaded as a shared library ({})", detail ? detail : ec.message()),
               "a plugin is a .so built with cgp_add_plugin(); check the path and that it was built for this system");
    }
    if (!lib.has(CGP_PLUGIN_ENTRY_SYMBOL))
        refuse(path, fmt::format("no entry symbol '{}': not a cgp optimizer plugin", CGP_PLUGIN_ENTRY_SYMBOL),
               "plugins define it with CGP_REGISTER_OPTIMIZER(Class) from <cgp/sdk/optimizer.hpp>");
    const auto& entry = lib.get<const cgp_plugin_entry_t>(CGP_PLUGIN_ENTRY_SYMBOL);
    if (entry.abi_major != file_entry.abi_major || entry.abi_minor != file_entry.abi_minor ||
        entry.isa_required != file_entry.isa_required)
        refuse(path, "the loaded entry symbol differs from the file's: it must be constant data",
               "define it with CGP_REGISTER_OPTIMIZER(Class), a constant initialiser");
    p->abi_major_ = entry.abi_major;
    p->abi_minor_ = entry.abi_minor;
    p->isa_required_ = entry.isa_required;
    if (entry.get_descriptor == nullptr)
        refuse(path, "invalid entry: get_descriptor is null");
    const cgp_optimizer_descriptor* raw = entry.get_descriptor();
    if (raw == nullptr)
        refuse(path, "get_descriptor() returned no descriptor");
    return adopt_descriptor(std::move(p), raw);
}

// An optimizer file (.opt): data the host compiles, presented through the same descriptor.
std::shared_ptr<const Plugin> Plugin::load_optimizer_file(const fs::path& path)
{
    std::shared_ptr<Plugin> p(new Plugin());
    p->path_ = path;
    p->lib_ = std::make_unique<Library>();
    p->lib_->optimizer_file = optfile::load_descriptor(path);
    p->abi_major_ = CGP_ABI_MAJOR;
    p->abi_minor_ = CGP_ABI_MINOR;
    const cgp_optimizer_descriptor* raw = p->lib_->optimizer_file.get();
    return adopt_descriptor(std::move(p), raw);
}

std::shared_ptr<const Plugin> Plugin::adopt_descriptor(std::shared_ptr<Plugin> p, const cgp_optimizer_descriptor* raw)
{
    const fs::path& path = p->path_;
    p->raw_desc_ = raw;
    p->desc_ = read_descriptor(path, *raw);
    const cgp_optimizer_descriptor* d = &p->desc_;
    p->id_ = checked_string(path, d->id, "id");
    if (!well_formed_name(p->id_, ".+-"))
        refuse(path, fmt::format("invalid descriptor: id '{}' is not of the form [a-z][a-z0-9_.+-]*", p->id_));
    p->name_ = checked_string(path, d->name, "name");
    p->version_ = checked_string(path, d->version, "version");
    p->summary_ = checked_string(path, d->summary, "summary");
    if (d->algorithm != nullptr) {
        // Any well-formed name: a host without a reference for it still loads the plugin.
        p->algorithm_ = d->algorithm;
        if (!well_formed_name(p->algorithm_, ".+-"))
            refuse(path,
                   fmt::format("invalid descriptor: reference algorithm '{}' is not of the form "
                               "[a-z][a-z0-9_.+-]*",
                               p->algorithm_),
                   "name the algorithm (\"adam\", \"sgd-momentum\") or leave it NULL");
    }
    if (d->state_count == nullptr || d->validate == nullptr || d->step_f32 == nullptr || d->step_f64 == nullptr ||
        d->simd_path == nullptr)
        refuse(path, "invalid descriptor: a function pointer (state_count, validate, step_f32, step_f64, simd_path) "
                     "is null");
    if (d->hparam_count > 64)
        refuse(path, fmt::format("invalid descriptor: {} hyperparameters (at most 64)", d->hparam_count));
    if (d->hparam_count > 0 && d->hparams == nullptr)
        refuse(path, "invalid descriptor: hparam_count is set but hparams is null");
    std::set<std::string> seen;
    for (std::uint32_t i = 0; i < d->hparam_count; ++i) {
        const cgp_hparam& h = d->hparams[i];
        HyperParam hp;
        hp.name = checked_string(path, h.name, "hyperparameter name");
        if (!well_formed_name(hp.name, ""))
            refuse(path, fmt::format("invalid descriptor: hyperparameter name '{}' is not of the form [a-z][a-z0-9_]*",
                                     hp.name));
        if (!seen.insert(hp.name).second)
            refuse(path, fmt::format("invalid descriptor: hyperparameter '{}' is declared twice", hp.name));
        hp.help = h.help != nullptr ? h.help : "";
        hp.default_value = h.default_value;
        hp.min_value = h.min_value;
        hp.max_value = h.max_value;
        hp.flags = h.flags;
        if (!std::isfinite(h.min_value) || !std::isfinite(h.max_value) || h.min_value > h.max_value)
            refuse(path, fmt::format("invalid descriptor: hyperparameter '{}' has an invalid range [{}, {}]", hp.name,
                                     format_number(h.min_value), format_number(h.max_value)));
        p->hparams_.push_back(std::move(hp));
    }
    // Defaults must pass the host's own checks.
    {
        const std::vector<double> defaults = p->defaults();
        for (std::size_t i = 0; i < defaults.size(); ++i) {
            const HyperParam& h = p->hparams_[i];
            const double v = defaults[i];
            const bool ok = std::isfinite(v) &&
                            ((h.flags & CGP_HPARAM_MIN_EXCLUSIVE) ? v > h.min_value : v >= h.min_value) &&
                            ((h.flags & CGP_HPARAM_MAX_EXCLUSIVE) ? v < h.max_value : v <= h.max_value) &&
                            (!(h.flags & CGP_HPARAM_INTEGER) || v == std::floor(v));
            if (!ok)
                refuse(path, fmt::format("invalid descriptor: default {} of '{}' is outside its range {}",
                                         format_number(v), h.name, h.range_text()));
        }
    }
    check_known_extensions(*p);
    return p;
}

Plugin::~Plugin() = default;

const void* Plugin::raw_extension(const char* id) const noexcept
{
    return desc_.get_extension != nullptr ? desc_.get_extension(id) : nullptr;
}

int Plugin::find_hparam(std::string_view name) const noexcept
{
    for (std::size_t i = 0; i < hparams_.size(); ++i)
        if (hparams_[i].name == name)
            return static_cast<int>(i);
    return -1;
}

std::vector<double> Plugin::defaults() const
{
    std::vector<double> v;
    for (const HyperParam& h : hparams_)
        v.push_back(h.default_value);
    return v;
}

void Plugin::validate(std::span<const double> values) const
{
    if (values.size() != hparams_.size())
        throw Error(
            fmt::format("optimizer '{}' takes {} hyperparameters, got {}", id_, hparams_.size(), values.size()));
    for (std::size_t i = 0; i < values.size(); ++i) {
        const HyperParam& h = hparams_[i];
        const double v = values[i];
        if (!std::isfinite(v))
            throw Error(fmt::format("--{} {}: not a finite number; optimizer '{}' accepts {}", h.option_name(),
                                    format_number(v), id_, h.range_text()));
        const bool low = (h.flags & CGP_HPARAM_MIN_EXCLUSIVE) ? v <= h.min_value : v < h.min_value;
        const bool high = (h.flags & CGP_HPARAM_MAX_EXCLUSIVE) ? v >= h.max_value : v > h.max_value;
        if (low || high)
            throw Error(fmt::format("--{} {}: out of range; optimizer '{}' accepts {}", h.option_name(),
                                    format_number(v), id_, h.range_text()));
        if ((h.flags & CGP_HPARAM_INTEGER) && v != std::floor(v))
            throw Error(fmt::format("--{} {}: must be a whole number; optimizer '{}' accepts {}", h.option_name(),
                                    format_number(v), id_, h.range_text()));
    }
    char msg[512] = {0};
    const int status = desc_.validate(values.data(), msg, sizeof msg);
    if (status != CGP_OK)
        throw Error(
            fmt::format("optimizer '{}' rejects its hyperparameters: {}", id_, msg[0] != '\0' ? msg : "(no message)"));
}

std::size_t Plugin::state_count(std::span<const double> values) const
{
    const std::uint32_t n = desc_.state_count(values.data());
    if (n > CGP_MAX_STATE_ARRAYS)
        throw Error(fmt::format("plugin '{}': state_count() returned {} (at most {}); hint: a plugin keeps at most "
                                "{} arrays as long as the parameters, the rest in run state (cgp.run_state/1)",
                                path_.string(), n, CGP_MAX_STATE_ARRAYS, CGP_MAX_STATE_ARRAYS));
    return n;
}

std::string Plugin::simd_path(bool scalar) const
{
    const char* s = desc_.simd_path(scalar ? CGP_STEP_SCALAR : 0u);
    return s != nullptr ? s : "?";
}

} // namespace cgp
