// The options of what a run fits, how it starts and what it is measured on: --loss,
// --output-activation, --init, --init-bias, --init-params, --set; --features, --validation, --test,
// --split, --epochs, --eval-every. Parsed into RunSettings, ModelChoice and DataChoice by run_settings(),
// model_choice() and data_choice(); checked against the model and the data when the run is
// assembled (fit_loss, initial_values, assemble_data).
#include "cli.hpp"

#include <fmt/format.h>

#include <string>

namespace cgp::cli {

po::options_description fit_options(CommonOptions& o)
{
    po::options_description d("Loss, initialisation and held-out data");
    // clang-format off
    d.add_options()
        ("loss", po::value(&o.loss)->default_value("mse"),
         ("training loss: " + loss_names() + " (bce and cross-entropy compute from the logits, like PyTorch's "
          "BCEWithLogitsLoss and CrossEntropyLoss)").c_str())
        ("output-activation", po::value(&o.output_activation),
         ("for --expr/--layers: the outputs' activation (" + activation_names(", ") +
          ", softmax); default: --activation's, or for --layers the loss's link (sigmoid for bce, softmax for "
          "cross-entropy)").c_str())
        ("init", po::value(&o.init)->default_value("auto"),
         "initial values: auto (layered models xavier-uniform, he-uniform under relu; others cgp), cgp "
         "(uniform(0,1)), pytorch (torch.nn.Linear's), xavier-uniform, xavier-normal, he-uniform, he-normal, "
         "uniform:LO,HI, normal:MEAN,SD")
        ("init-bias", po::value(&o.init_bias)->default_value("default"), "default (the scheme's) or zeros")
        ("init-params", po::value(&o.settings.init.params_file)->value_name("FILE"),
         "start from the values in FILE by parameter name (JSON, a saved model, or CSV name,value)")
        ("set", po::value(&o.set)->composing()->value_name("NAME=VALUE"), "start parameter NAME at VALUE (repeat)")
        ("features", po::value(&o.features)->composing()->value_name("COLUMNS"),
         "CSV: the columns the model reads, in input order (repeat, or comma-separate; default: the columns the "
         "inputs name, else every column besides the labels); the others are skipped unread")
        ("validation", po::value(&o.validation)->value_name("FILE"), "CSV validation data (the --data file's columns)")
        ("test", po::value(&o.test)->value_name("FILE"), "CSV test data (the --data file's columns)")
        ("split", po::value(&o.split)->value_name("T,V,S"),
         "split the --data file into training, validation and test fractions, e.g. 0.7,0.15,0.15 (with --seed; "
         "stratified by class)")
        ("epochs", whole(&o.settings.eval.epochs)->default_value(0),
         "CSV data: train this many epochs (sets --iterations to epochs * ceil(training rows / batch size))")
        ("eval-every", whole(&o.settings.eval.every)->default_value(0),
         "evaluate the held-out data every N iterations (a multiple of --log-every; 0: at the end only)");
    // clang-format on
    return d;
}

void fit_settings(const CommonOptions& o, RunSettings& s)
{
    s.loss = parse_loss(o.loss);
    parse_init(o.init, s.init);
    if (o.init_bias != "default" && o.init_bias != "zeros")
        throw UsageError(fmt::format("--init-bias {}: use default or zeros", o.init_bias));
    s.init.zero_bias = o.init_bias == "zeros";
    for (const std::string& text : o.set)
        s.init.set.push_back(parse_set(text));
}

std::vector<double> split_fractions(const std::string& text)
{
    std::vector<double> out;
    std::size_t start = 0;
    while (start <= text.size()) {
        std::size_t comma = text.find(',', start);
        if (comma == std::string::npos)
            comma = text.size();
        const std::string part = text.substr(start, comma - start);
        std::size_t used = 0;
        double v = 0;
        try {
            v = std::stod(part, &used);
        } catch (const std::exception&) {
            used = 0;
        }
        if (part.empty() || used != part.size())
            throw UsageError(
                fmt::format("--split {}: '{}' is not a number; write e.g. --split 0.7,0.15,0.15", text, part));
        out.push_back(v);
        start = comma + 1;
    }
    return out;
}

} // namespace cgp::cli
