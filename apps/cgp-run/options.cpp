// cgp-run's option groups: bootstrap (found before the plugin is loaded), model, data, training,
// output, figures.
#include "cgp_run.hpp"

namespace cgp::run_app {
namespace {

po::options_description output_options(RunOptions& o)
{
    po::options_description d("Output");
    // clang-format off
    d.add_options()
        ("loss-csv", po::value(&o.loss_csv), "write the loss record to this CSV file (iteration,loss,window)")
        ("json", po::bool_switch(&o.json), "print the result as JSON")
        ("quiet,q", po::bool_switch(&o.quiet), "no progress on stderr")
        ("early-stop", cli::whole(&o.early_stop)->default_value(0),
         "stop after this many loss records without improvement (0: never)")
        ("min-delta", po::value(&o.min_delta)->default_value(0.0), "improvement that resets --early-stop")
        ("early-stop-on", po::value(&o.early_stop_on)->default_value("loss"),
         "what --early-stop watches: loss (the training loss records) or validation (evaluations of the "
         "validation accuracy, or loss for regression; with --eval-every)")
        ("checkpoint", po::value(&o.checkpoint), "write the complete training state to this file (atomically)")
        ("checkpoint-every", cli::whole(&o.common.settings.checkpoint.every)->default_value(0),
         "with --checkpoint: also every this many iterations (0: only at the end and on Ctrl-C)")
        ("resume", po::value(&o.resume), "continue exactly from a checkpoint, up to --iterations in total")
        ("force", po::bool_switch(&o.force), "let --checkpoint replace an existing file that is not the --resume one")
        ("save-model", po::value(&o.save_model)->value_name("FILE"),
         "write the trained model to FILE.json (docs/saved-models.md): model, parameters, tensors, standardisation, "
         "classes, loss and metrics")
        ("keep-best", po::value(&o.keep_best)->value_name("FILE"),
         "write the model at its best validation point to FILE.json (needs a validation split)");
    // clang-format on
    return d;
}

// --plot, --draw and --trace: figures and traces of a run.
po::options_description figure_options(RunOptions& o)
{
    po::options_description d("Figures and traces");
    // clang-format off
    d.add_options()
        ("plot", po::value(&o.plot)->value_name("FILE"), "plot the loss record to FILE.png or FILE.svg with gnuplot (the script goes "
                                     "to FILE.gp)")
        ("log-y", po::value(&o.log_y)->implicit_value("on")->value_name("WHEN"),
         "with --plot: log-scale y axis: on, off or auto (the default: when the loss spans more than two decades)")
        ("no-log-y", po::bool_switch(&o.no_log_y), "with --plot: linear y axis (same as --log-y off)")
        ("smooth", po::value(&o.smooth)->default_value(0.0)->value_name("W"),
         "with --plot: the loss as its exponential moving average with weight W in [0, 1), the raw curve faint")
        ("draw", po::value(&o.draw)->value_name("FILE"), "draw the model to FILE.dot, .png or .svg (Graphviz) and exit without training")
        ("trace", po::value(&o.trace)->value_name("DIR"), "write the run's model, settings, initial parameters, batches and loss "
                                       "record to folder DIR (for tools/torch_check.py)");
    // clang-format on
    return d;
}

} // namespace

po::options_description bootstrap_options(RunOptions& o)
{
    po::options_description d("General");
    // clang-format off
    d.add_options()
        ("help,h", po::bool_switch(&o.help), "show the options (with --optimizer: its hyperparameters too)")
        ("optimizer", po::value(&o.optimizer)->default_value(kDefaultOptimizer),
         "optimizer plugin: a name (adam, sgd, sgdplus), a file name (adam.so) or a path")
        ("list-optimizers", po::bool_switch(&o.list), "list every optimizer plugin found, with its hyperparameters")
        ("config", po::value(&o.config), "INI file of option = value lines (the command line wins)")
        ("inspect-checkpoint", po::value(&o.inspect), "print what a checkpoint file holds, and check it")
        ("predict", po::value(&o.predict)->value_name("DATA.csv"),
         "predict every row of DATA.csv with --saved-model FILE.json and write --out FILE.csv (no training)")
        ("saved-model", po::value(&o.saved_model)->value_name("FILE"), "with --predict: a file --save-model wrote")
        ("out", po::value(&o.out)->value_name("FILE"), "with --predict: where the predictions go (CSV)")
        ("plugin-dir", po::value(&o.common.plugin_dirs)->composing(), "a folder to search for plugins (repeatable)");
    // clang-format on
    return d;
}

po::options_description main_options(RunOptions& o)
{
    po::options_description d;
    d.add(cli::model_options(o.common)).add(cli::data_options(o.common));
    po::options_description run = cli::run_options(o.common, true);
    // --plugin-dir is in the bootstrap group.
    po::options_description run_without_dir("Training");
    for (const auto& opt : run.options())
        if (opt->long_name() != "plugin-dir")
            run_without_dir.add(opt);
    run_without_dir.add_options()("threads", cli::whole(&o.threads)->default_value(0)->value_name("N"),
                                  "threads for this run's wide layers and optimizer steps (0: the cores the process "
                                  "may use); results are the same for every N");
    d.add(run_without_dir).add(output_options(o)).add(figure_options(o));
    return d;
}

} // namespace cgp::run_app
