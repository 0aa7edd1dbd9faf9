// train_options.cpp: cgp.train's arguments parsed with cgp-run's own option groups
// (apps/cgp-run/options.cpp, apps/common/cli.cpp), then checked as cgp-run checks them.
#include "train_options.hpp"

#include "bindings.hpp"

#include <cgp/io/atomic_file.hpp>
#include <cgp/io/error.hpp>
#include <cgp/io/file_identity.hpp>
#include <cgp/io/read_file.hpp>
#include <cgp/language/model.hpp>
#include <cgp/host/plugin_paths.hpp>
#include <cgp/tape/threads.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <sstream>

namespace cgp::python {
namespace {

namespace po = boost::program_options;

constexpr const char* kCaller = "cgp.train";

struct Parser {
    std::vector<std::string> argv_text;
    std::vector<char*> argv;
    explicit Parser(const std::vector<std::string>& args) : argv_text(args)
    {
        argv_text.insert(argv_text.begin(), kCaller);
        for (std::string& a : argv_text)
            argv.push_back(a.data());
    }
    int argc() const { return static_cast<int>(argv.size()); }
    char** data() { return argv.data(); }
};

// The optimizer's plugin, or (for the option list of a plugin that does not load) none.
std::shared_ptr<const Plugin> load_plugin(const run_app::RunOptions& o)
{
    return Plugin::load(resolve_plugin(o.optimizer, plugin_search(o.common.plugin_dirs)));
}

// cgp-run's groups (bootstrap, model, data, training, output, figures) and the plugin's
// hyperparameters.
po::options_description all_options(run_app::RunOptions& o, const Plugin* plugin, po::options_description& boot)
{
    po::options_description own = run_app::main_options(o);
    po::options_description hparams(plugin ? fmt::format("Hyperparameters of {}", plugin->id())
                                           : std::string("Hyperparameters"));
    if (plugin)
        cli::add_hparam_options(hparams, *plugin, own);
    po::options_description all;
    all.add(boot).add(own).add(hparams);
    return all;
}

void read_bootstrap(Parser& p, const po::options_description& boot, const std::string& config)
{
    po::variables_map first;
    cli::parse_bootstrap(p.argc(), p.data(), boot, first);
    if (!config.empty()) {
        std::istringstream in(read_input_file(config, "config file", kConfigFileLimit));
        po::store(po::parse_config_file(in, boot, true), first);
        po::notify(first);
    }
}

// No output of the run may be one of its inputs or another output (as in cgp-run).
void check_files_apart(const run_app::RunOptions& o, const Plugin& plugin)
{
    std::vector<NamedFile> inputs{{"optimizer", plugin.path()}, {"resume", o.resume}, {"config", o.config}};
    if (o.common.data != "generated")
        inputs.push_back({"data", o.common.data});
    if (!o.common.model.empty() && !is_preset(o.common.model))
        inputs.push_back({"model", o.common.model});
    check_outputs_apart(inputs,
                        {{"loss_csv", o.loss_csv},
                         {"checkpoint", o.checkpoint},
                         {"save_model", o.save_model},
                         {"keep_best", o.keep_best}},
                        {}, {{"resume", "checkpoint"}});
    std::error_code ec;
    if (o.checkpoint.empty() || o.force || !std::filesystem::is_regular_file(o.checkpoint, ec))
        return;
    if (!o.resume.empty() && std::filesystem::equivalent(o.checkpoint, o.resume, ec))
        return;
    throw Error(fmt::format("checkpoint={}: the file exists and is not the checkpoint being resumed; this run "
                            "would replace it\nhint: pass resume= the same file to continue that run, choose "
                            "another file, or force=True to replace it",
                            o.checkpoint));
}

} // namespace

const std::vector<OptionNotTaken>& options_not_taken()
{
    static const std::vector<OptionNotTaken> options{
        {"help", "cgp.train_options() lists the keywords, help(cgp.train) says what they do"},
        {"list-optimizers", "cgp.plugins() lists the plugins with their hyperparameters"},
        {"inspect-checkpoint", "run cgp-run --inspect-checkpoint FILE"},
        {"predict", "predict with the Result (result.predict(X)) or a saved model (cgp.load(FILE).predict(X))"},
        {"saved-model", "predict with cgp.load(FILE).predict(X)"},
        {"out", "predictions are result.predict(X) or cgp.load(FILE).predict(X); .to_frame().to_csv(FILE) writes them"},
        {"json", "the Result holds the summary (result.final_loss, result.evaluation, result.best, ...)"},
        {"quiet", "progress=False shows no progress"},
        {"plot", "plot result.record with matplotlib: plt.plot(result.record['iteration'], result.loss)"},
        {"log-y", "plot result.record with matplotlib and plt.yscale('log')"},
        {"no-log-y", "plot result.record with matplotlib"},
        {"smooth", "smooth the loss with pandas: result.to_frame().loss.ewm(alpha=...).mean()"},
        {"draw", "run cgp-run --draw FILE with the same model options"},
        {"trace", "run cgp-run --trace DIR with the same options"}};
    return options;
}

TrainRequest parse_train(const std::vector<std::string>& args)
{
    TrainRequest r;
    run_app::RunOptions& o = r.options;
    Parser p(args);
    po::options_description boot = run_app::bootstrap_options(o);
    read_bootstrap(p, boot, o.config);
    r.plugin = load_plugin(o);
    const po::options_description all = all_options(o, r.plugin.get(), boot);
    po::variables_map vm;
    cli::parse_strict(p.argc(), p.data(), all, o.config, vm);
    for (const OptionNotTaken& n : options_not_taken())
        if (vm.count(n.name) && !vm[n.name].defaulted())
            throw cli::UsageError(fmt::format("{} does not take cgp-run's --{} (set in {})\nhint: {}", kCaller, n.name,
                                              o.config.empty() ? "the arguments" : o.config, n.instead));

    r.model = cli::model_choice(o.common, vm);
    r.data = cli::data_choice(o.common, vm);
    r.settings = cli::run_settings(o.common);
    r.settings.threads = resolve_threads(o.threads);
    r.hparams = cli::hparam_values(*r.plugin, vm);
    if (!o.loss_csv.empty())
        check_output_path(o.loss_csv, "loss_csv");
    if (!o.save_model.empty())
        check_output_path(o.save_model, "save_model");
    if (!o.keep_best.empty())
        check_output_path(o.keep_best, "keep_best");
    if (!o.checkpoint.empty()) {
        check_output_path(o.checkpoint, "checkpoint");
        r.settings.checkpoint.path = o.checkpoint;
    } else if (r.settings.checkpoint.every > 0) {
        throw cli::UsageError("checkpoint_every needs checkpoint=FILE");
    }
    check_files_apart(o, *r.plugin);
    if (!o.resume.empty())
        r.resume_from = read_checkpoint(o.resume);
    if (o.min_delta < 0 || !std::isfinite(o.min_delta))
        throw cli::UsageError("min_delta must be a finite number >= 0");
    if (o.early_stop_on != "loss" && o.early_stop_on != "validation")
        throw cli::UsageError(fmt::format("early_stop_on='{}': use 'loss' or 'validation'", o.early_stop_on));
    if (o.early_stop_on == "validation") {
        if (r.data.validation.empty() && r.data.split.empty())
            throw cli::UsageError("early_stop_on='validation' needs held-out data: validation=FILE or split=");
        r.settings.eval.patience = o.early_stop;
    }
    if (!o.keep_best.empty() && r.data.validation.empty() && (r.data.split.size() < 2 || r.data.split[1] <= 0))
        throw cli::UsageError("keep_best keeps the best validation model and needs validation data: validation=FILE "
                              "or split= with a validation fraction");
    return r;
}

std::vector<OptionInfo> train_options(const std::string& optimizer, const std::vector<std::string>& plugin_dirs)
{
    run_app::RunOptions o;
    o.optimizer = optimizer;
    o.common.plugin_dirs = plugin_dirs;
    po::options_description boot = run_app::bootstrap_options(o);
    const std::shared_ptr<const Plugin> plugin = load_plugin(o);
    const po::options_description all = all_options(o, plugin.get(), boot);
    std::vector<OptionInfo> out;
    const auto& skip = options_not_taken();
    for (const auto& opt : all.options()) {
        const std::string name = opt->long_name();
        if (std::any_of(skip.begin(), skip.end(), [&](const OptionNotTaken& n) { return n.name == name; }))
            continue;
        const auto& sem = *opt->semantic();
        const std::string kind = sem.max_tokens() == 0 ? "flag" : sem.is_composing() ? "list" : "value";
        const auto& hp = plugin->hparams();
        const bool is_hparam =
            std::any_of(hp.begin(), hp.end(), [&](const HyperParam& h) { return h.option_name() == name; });
        out.push_back({name, kind, is_hparam ? "hyperparameter" : "option", opt->description()});
    }
    return out;
}

} // namespace cgp::python
