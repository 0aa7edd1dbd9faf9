// Shared command-line options, hyperparameter options, two-pass parsing, signals and the error guard.
#include "cli.hpp"

#include <cgp/host/cpu.hpp>
#include <cgp/host/plugin_paths.hpp>
#include <cgp/io/error.hpp>
#include <cgp/io/read_file.hpp>
#include <cgp/language/ops.hpp>

#include <fmt/format.h>

#include <csignal>
#include <fstream>
#include <sstream>

namespace cgp::cli {

po::options_description model_options(CommonOptions& o)
{
    po::options_description d("Model");
    // clang-format off
    d.add_options()
        ("model", po::value(&o.model), "preset (one-neuron, multi-neuron) or model file; default multi-neuron")
        ("expr", po::value(&o.expressions)->composing(), "a statement, e.g. 'xw=ab*xa+bc*xb' (repeat for more)")
        ("layers", po::value(&o.layers)->multitoken()->composing(), "a layered network, e.g. --layers 4 2 1")
        ("activation", po::value(&o.activation),
         ("for --expr/--layers: the activation of every variable (" + activation_names(", ") + ")").c_str())
        ("bias", po::value(&o.bias), "for --expr/--layers: none or per-node (a learnable bias per variable)")
        ("output", po::value(&o.outputs)->composing(), "for --expr: an output variable (repeat for more)");
    // clang-format on
    return d;
}

po::options_description data_options(CommonOptions& o)
{
    po::options_description d("Data");
    // clang-format off
    d.add_options()
        ("data", po::value(&o.data)->default_value("generated"), "'generated' (CGP's two Gaussian classes) or a CSV file")
        ("label", po::value(&o.labels)->composing(), "CSV label column (repeat, or comma-separate, one per output)")
        ("standardize", po::bool_switch(&o.standardize), "CSV: scale every feature to mean 0, standard deviation 1")
        ("dataset-size", whole(&o.dataset_size)->default_value(5000), "generated data: number of samples");
    // clang-format on
    return d;
}

po::options_description run_options(CommonOptions& o, bool with_sizes)
{
    po::options_description d("Training");
    if (with_sizes)
        // clang-format off
        d.add_options()
            ("iterations", whole(&o.settings.iterations)->default_value(20000), "training iterations")
            ("batch-size", whole(&o.settings.batch_size)->default_value(8), "samples per iteration")
            ("seed", whole(&o.settings.seed)->default_value(0), "seed of the initial weights, the data and the sampling");
    // clang-format on
    d.add_options()("dtype", po::value(&o.dtype)->default_value("f32"), "f32 or f64")(
        "simd", po::value(&o.simd)->default_value("auto"), "graph kernels: auto, scalar, sse2, avx2 or avx512")(
        "optimizer-form", po::value(&o.optimizer_form)->default_value("simd"),
        "optimizer steps: simd (the plugin's widest form this CPU runs) or scalar (its scalar form)")(
        "log-every", whole(&o.settings.train.log_every)->default_value(100),
        "iterations per loss record")("on-nonfinite", po::value(&o.on_nonfinite)->default_value("stop"),
                                      "when a loss or gradient is NaN/Inf: stop, or skip the step")(
        "plugin-dir", po::value(&o.plugin_dirs)->composing(), "a folder to search for optimizer plugins (repeatable)");
    d.add(transform_options(o));
    d.add(fit_options(o));
    return d;
}

namespace {

std::vector<std::string> split_list(const std::vector<std::string>& values)
{
    std::vector<std::string> out;
    for (const std::string& v : values) {
        std::string cur;
        for (char c : v) {
            if (c == ',' || c == ' ' || c == '\t') {
                if (!cur.empty())
                    out.push_back(cur);
                cur.clear();
            } else {
                cur += c;
            }
        }
        if (!cur.empty())
            out.push_back(cur);
    }
    return out;
}

} // namespace

ModelChoice model_choice(const CommonOptions& o, const po::variables_map& vm)
{
    ModelChoice c;
    c.model = o.model;
    c.expressions = o.expressions;
    for (const std::string& s : split_list(o.layers)) {
        const std::optional<int> n = parse_whole<int>(s);
        if (!n)
            throw UsageError(fmt::format("--layers: '{}' is not a whole number; write e.g. --layers 4 2 1", s));
        c.layers.push_back(*n);
    }
    if (vm.count("layers") && c.layers.size() < 2)
        throw UsageError("--layers needs at least two sizes (inputs first), e.g. --layers 4 2 1");
    if (!o.activation.empty())
        c.activation = parse_activation(o.activation);
    if (!o.bias.empty()) {
        if (o.bias != "none" && o.bias != "per-node")
            throw UsageError(fmt::format("--bias {}: use none or per-node", o.bias));
        c.node_bias = o.bias == "per-node";
    }
    c.outputs = o.outputs;
    c.output_activation = o.output_activation;
    return c;
}

DataChoice data_choice(const CommonOptions& o, const po::variables_map& vm)
{
    DataChoice d;
    d.source = o.data;
    d.labels = split_list(o.labels);
    d.features = split_list(o.features);
    d.standardize = o.standardize;
    d.dataset_size = o.dataset_size;
    d.dataset_size_given = vm.count("dataset-size") && !vm["dataset-size"].defaulted();
    d.validation = o.validation;
    d.test = o.test;
    if (!o.split.empty())
        d.split = split_fractions(o.split);
    return d;
}

RunSettings run_settings(const CommonOptions& o)
{
    RunSettings s = o.settings;
    s.dtype = parse_dtype(o.dtype);
    s.simd = parse_simd_path(o.simd);
    s.train.optimizer_form = parse_optimizer_form(o.optimizer_form);
    if (s.train.log_every == 0)
        throw UsageError("--log-every must be at least 1");
    if (o.on_nonfinite == "stop")
        s.train.on_nonfinite = OnNonFinite::Stop;
    else if (o.on_nonfinite == "skip")
        s.train.on_nonfinite = OnNonFinite::Skip;
    else
        throw UsageError(fmt::format("--on-nonfinite {}: use stop or skip", o.on_nonfinite));
    s.train.stop_signal = &stop_signal();
    s.transforms.decay_mode = parse_decay_mode(o.decay_mode);
    fit_settings(o, s);
    return s;
}

void add_hparam_options(po::options_description& desc, const Plugin& plugin, const po::options_description& own)
{
    for (const HyperParam& h : plugin.hparams()) {
        const std::string opt = h.option_name();
        if (own.find_nothrow(opt, false) != nullptr)
            throw Error(fmt::format("plugin '{}': hyperparameter '{}' has the name of a program option; rename it",
                                    plugin.path().string(), h.name));
        // clang-format off
        desc.add_options()(opt.c_str(), po::value<double>(),
                           fmt::format("{} (default {:g}, {})", h.help, h.default_value, h.range_text()).c_str());
        // clang-format on
    }
}

std::vector<std::filesystem::path> plot_files(const std::string& plot)
{
    const std::filesystem::path file(plot);
    const std::string ext = file.extension().string();
    if (ext != ".png" && ext != ".svg" && ext != ".gp")
        throw UsageError(fmt::format("--plot {}: name the file .png or .svg (or .gp for the script only)", plot));
    if (ext == ".gp")
        return {file};
    return {std::filesystem::path(file).replace_extension(".gp"), file};
}

std::shared_ptr<const Plugin> load_optimizer_options(const std::string& name,
                                                     const std::vector<std::filesystem::path>& search,
                                                     const po::options_description& own, bool help,
                                                     po::options_description& all)
{
    std::shared_ptr<const Plugin> plugin;
    try {
        plugin = Plugin::load(resolve_plugin(name, search));
    } catch (const Error&) {
        if (!help)
            throw;
    }
    po::options_description hparams(
        plugin ? fmt::format("Hyperparameters of {} ({})", plugin->id(), plugin->path().filename().string())
               : std::string("Hyperparameters"));
    if (plugin)
        add_hparam_options(hparams, *plugin, own);
    all.add(hparams);
    return plugin;
}

std::vector<double> hparam_values(const Plugin& plugin, const po::variables_map& vm)
{
    std::vector<double> v = plugin.defaults();
    for (std::size_t i = 0; i < plugin.hparams().size(); ++i) {
        const std::string opt = plugin.hparams()[i].option_name();
        if (vm.count(opt))
            v[i] = vm[opt].as<double>();
    }
    return v;
}

std::string stop_message(const TrainSummary& summary, const Plugin& plugin)
{
    const int lr = plugin.find_hparam("lr");
    if (!summary.advises_learning_rate || lr < 0)
        return summary.message;
    return fmt::format("{} (--{})", summary.message, plugin.hparams()[static_cast<std::size_t>(lr)].option_name());
}

std::string describe_hparams(const Plugin& plugin)
{
    std::size_t name_width = 0, range_width = 0, default_width = 0;
    for (const HyperParam& h : plugin.hparams()) {
        name_width = std::max(name_width, h.option_name().size());
        range_width = std::max(range_width, h.range_text().size());
        default_width = std::max(default_width, fmt::format("{:g}", h.default_value).size());
    }
    std::string out;
    for (const HyperParam& h : plugin.hparams())
        out += fmt::format("  --{:<{}}  default {:<{}}  range {:<{}}  {}\n", h.option_name(), name_width,
                           fmt::format("{:g}", h.default_value), default_width, h.range_text(), range_width, h.help);
    if (out.empty())
        out = "  (none)\n";
    return out;
}

void parse_bootstrap(int argc, char** argv, const po::options_description& bootstrap, po::variables_map& vm)
{
    try {
        po::store(po::command_line_parser(argc, argv).options(bootstrap).allow_unregistered().run(), vm);
        po::notify(vm);
    } catch (const po::error& e) {
        throw UsageError(e.what());
    }
}

void parse_strict(int argc, char** argv, const po::options_description& all, const std::string& config_file,
                  po::variables_map& vm)
{
    try {
        po::store(po::command_line_parser(argc, argv).options(all).run(), vm);
        if (!config_file.empty()) {
            std::istringstream in(read_input_file(config_file, "config file", kConfigFileLimit));
            try {
                po::store(po::parse_config_file(in, all, false), vm);
            } catch (const po::error& e) {
                throw UsageError(fmt::format("config file '{}': {}", config_file, e.what()));
            }
        }
        po::notify(vm);
    } catch (const po::error& e) {
        throw UsageError(e.what());
    }
}

std::atomic<int>& stop_signal()
{
    static std::atomic<int> flag{0};
    return flag;
}

namespace {
void on_stop_signal(int sig)
{
    stop_signal().store(sig);
}
} // namespace

void install_signal_handlers()
{
    struct sigaction sa {};
    sa.sa_handler = on_stop_signal;
    sa.sa_flags = SA_RESETHAND; // a second Ctrl-C ends the program at once
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, nullptr);
    sigaction(SIGTERM, &sa, nullptr);
}

int guard(const char* program, const std::function<int()>& body)
{
    try {
        check_isa_disable();
        return body();
    } catch (const UsageError& e) {
        fmt::print(stderr, "{}: {}\nhint: {} --help lists the options\n", program, e.what(), program);
        return kUsage;
    } catch (const Error& e) {
        fmt::print(stderr, "{}: {}\n", program, e.what());
        return kFailure;
    } catch (const std::bad_alloc&) {
        fmt::print(stderr, "{}: out of memory\n", program);
        return kFailure;
    } catch (const std::exception& e) {
        fmt::print(stderr, "{}: {}\n", program, e.what());
        return kFailure;
    }
}

} // namespace cgp::cli
