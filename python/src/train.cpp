// train.cpp: cgp._cgp.train: a run read from cgp-run's options, assembled and trained on a worker
// thread (the GIL released), the calling thread showing progress and catching Ctrl-C, and the
// result returned as numpy arrays and plain values.
#include "bindings.hpp"
#include "train_options.hpp"

#include <cgp/graph/graph.hpp>
#include <cgp/io/error.hpp>
#include <cgp/training/evaluation.hpp>
#include <cgp/training/observers.hpp>
#include <cgp/training/saved_model.hpp>

#include <pybind11/numpy.h>
#include <pybind11/stl.h>

#include <fmt/format.h>

#include <optional>

namespace cgp::python {
namespace {

// What the calling thread shows while the run trains: written by the training thread, read by the
// calling one; nothing allocates.
class ProgressShare final : public TrainObserver {
public:
    void on_begin(const TrainStatus& s) override { publish(s); }
    void on_progress(const TrainStatus& s) override { publish(s); }
    bool on_record(const LossRecord& r, const TrainStatus& s) override
    {
        record_loss.store(r.loss, std::memory_order_relaxed);
        publish(s);
        return true;
    }
    std::atomic<std::uint64_t> iteration{0}, total{0};
    std::atomic<double> last_loss{0.0}, record_loss{std::numeric_limits<double>::quiet_NaN()}, seconds{0.0};

private:
    void publish(const TrainStatus& s)
    {
        iteration.store(s.iteration, std::memory_order_relaxed);
        total.store(s.total, std::memory_order_relaxed);
        last_loss.store(s.last_loss, std::memory_order_relaxed);
        seconds.store(s.seconds, std::memory_order_relaxed);
    }
};

template <class T>
py::array_t<T> numpy_of(const std::vector<T>& v)
{
    py::array_t<T> a(static_cast<py::ssize_t>(v.size()));
    std::copy(v.begin(), v.end(), a.mutable_data());
    return a;
}

py::dict records_dict(const std::vector<LossRecord>& records)
{
    std::vector<std::uint64_t> iteration, window;
    std::vector<double> loss, seconds;
    for (const LossRecord& r : records) {
        iteration.push_back(r.iteration);
        window.push_back(r.window);
        loss.push_back(r.loss);
        seconds.push_back(r.seconds);
    }
    py::dict d;
    d["iteration"] = numpy_of(iteration);
    d["loss"] = numpy_of(loss);
    d["window"] = numpy_of(window);
    d["seconds"] = numpy_of(seconds);
    return d;
}

// The held-out evaluations as arrays: iteration and, per split, loss and accuracy or mae and r2;
// the best validation point with the test metrics there; None without held-out data.
py::object evaluation_dict(const Experiment& ex)
{
    const EvalReport* r = ex.evaluation();
    if (r == nullptr)
        return py::none();
    std::vector<std::uint64_t> iteration;
    for (const EvalPoint& p : r->points)
        iteration.push_back(p.iteration);
    const std::vector<std::string> names = r->classification ? std::vector<std::string>{"loss", "accuracy"}
                                                             : std::vector<std::string>{"loss", "mae", "r2"};
    const auto value = [](const SplitMetrics& m, const std::string& name) {
        return name == "loss" ? m.loss : name == "accuracy" ? m.accuracy : name == "mae" ? m.mae : m.r2;
    };
    py::dict columns;
    columns["iteration"] = numpy_of(iteration);
    py::dict best;
    for (const bool validation : {true, false}) {
        if (validation ? !r->has_validation : !r->has_test)
            continue;
        const std::string split = validation ? "validation" : "test";
        py::dict at_best;
        for (const std::string& name : names) {
            std::vector<double> v;
            for (const EvalPoint& p : r->points)
                v.push_back(value(validation ? p.validation : p.test, name));
            columns[py::str(split + "_" + name)] = numpy_of(v);
            at_best[py::str(name)] = value(validation ? r->best.validation : r->best.test, name);
        }
        best[py::str(split)] = at_best;
    }
    py::dict d;
    d["classification"] = r->classification;
    d["classes"] = r->class_names;
    d["columns"] = columns;
    d["validation_samples"] = r->validation_samples;
    d["test_samples"] = r->test_samples;
    if (r->has_best) {
        best["iteration"] = r->best.iteration;
        d["best"] = best;
    } else {
        d["best"] = py::none();
    }
    return d;
}

py::dict result_dict(const Experiment& ex, const TrainSummary& s, const std::string& model_name,
                     const std::vector<std::string>& notes)
{
    const PluginOptimizer& opt = ex.optimizer();
    const RunSettings& st = ex.settings();
    py::dict hp;
    for (std::size_t i = 0; i < opt.plugin().hparams().size(); ++i)
        hp[py::str(opt.plugin().hparams()[i].name)] = opt.hparams()[i];
    py::dict d;
    d["model"] = model_name;
    d["inputs"] = ex.graph().inputs;
    d["outputs"] = ex.graph().outputs;
    d["param_names"] = ex.graph().params.to_vector();
    d["params"] = numpy_of(ex.params());
    d["optimizer"] = py::dict(py::arg("id") = opt.plugin().id(), py::arg("version") = opt.plugin().version(),
                              py::arg("path") = opt.plugin().path().string());
    d["hyperparameters"] = hp;
    d["data"] = ex.data_description();
    d["dtype"] = std::string(to_string(st.dtype));
    d["simd"] =
        py::dict(py::arg("graph") = std::string(to_string(ex.simd_path())),
                 py::arg("optimizer") = opt.plugin().simd_path(st.train.optimizer_form == OptimizerForm::Scalar),
                 py::arg("optimizer_form") = std::string(to_string(st.train.optimizer_form)));
    d["threads"] =
        py::dict(py::arg("count") = ex.tape_stats().threads, py::arg("split_layers") = ex.tape_stats().threaded_layers);
    d["batch_size"] = st.batch_size;
    d["seed"] = st.seed;
    d["log_every"] = st.train.log_every;
    d["iterations"] = s.iterations;
    d["steps"] = s.steps;
    d["skipped"] = s.skipped;
    d["final_loss"] = s.final_loss;
    d["min_loss"] = s.min_loss;
    d["min_iteration"] = s.min_iteration;
    d["seconds"] = s.seconds;
    d["iterations_per_second"] = s.iterations_per_second;
    d["stop"] = std::string(to_string(s.reason));
    d["message"] = s.reason == StopReason::Completed ? std::string() : cli::stop_message(s, opt.plugin());
    d["transforms"] = ex.transforms().empty() ? std::string() : ex.transforms().describe();
    d["records"] = records_dict(s.records);
    d["notes"] = notes;
    d["evaluation"] = evaluation_dict(ex);
    try {
        d["saved_model"] = saved_model_json(ex, s, SavedParams::Final).dump();
    } catch (const Error& e) {
        d["saved_model"] = py::none();
        d["saved_model_error"] = std::string(e.what());
    }
    return d;
}

// Trains; `progress(iteration, total, loss, seconds)` is called from the calling thread every
// `interval_seconds` while the run trains (None: never).
py::dict train(const std::vector<std::string>& args, const py::object& progress, double interval_seconds)
{
    TrainRequest r = parse_train(args);
    std::atomic<int> stop{0};
    r.settings.train.stop_signal = &stop;
    ProgressShare share;
    std::optional<Experiment> ex;
    std::optional<TrainSummary> summary;
    std::string model_name;
    std::vector<std::string> notes;
    const auto job = [&] {
        const ModelSpec spec = make_model(r.model);
        model_name = spec.name;
        ex.emplace(spec, r.data, r.plugin, r.hparams, r.settings);
        if (r.resume_from) {
            notes = ex->resume(*r.resume_from, r.options.resume);
            if (r.resume_from->loop.iteration >= r.settings.iterations)
                throw Error(fmt::format("checkpoint '{}' is at iteration {} already; ask for more with iterations=",
                                        r.options.resume, r.resume_from->loop.iteration));
        }
        std::vector<TrainObserver*> observers{&share};
        std::optional<LossCsvWriter> csv;
        std::optional<EarlyStop> early;
        if (!r.options.loss_csv.empty()) {
            csv.emplace(r.options.loss_csv, &ex->transforms(), ex->evaluation());
            if (r.resume_from)
                csv->write_existing(r.resume_from->loop.records);
            observers.push_back(&*csv);
        }
        if (r.options.early_stop > 0 && r.options.early_stop_on == "loss") {
            early.emplace(r.options.early_stop, r.options.min_delta);
            observers.push_back(&*early);
        }
        if (r.resume_from)
            for (std::string& note : restore_observers(*r.resume_from, observers))
                notes.push_back(std::move(note));
        summary = ex->run(observers);
        if (!r.options.save_model.empty())
            write_saved_model(r.options.save_model, saved_model_json(*ex, *summary, SavedParams::Final));
        if (!r.options.keep_best.empty())
            write_saved_model(r.options.keep_best, saved_model_json(*ex, *summary, SavedParams::BestValidation));
    };
    const auto poll = [&] {
        if (!progress.is_none() && share.total.load() > 0)
            progress(share.iteration.load(), share.total.load(), share.record_loss.load(), share.seconds.load());
    };
    const auto interval = std::chrono::milliseconds(static_cast<long>(std::max(0.01, interval_seconds) * 1000));
    const bool interrupted = run_interruptible(job, stop, interval, poll);
    py::dict d = result_dict(*ex, *summary, model_name, notes);
    d["interrupted"] = interrupted;
    return d;
}

} // namespace

void bind_train(py::module_& m)
{
    m.def(
        "model_info",
        [](const std::vector<std::string>& args) {
            const ModelSpec spec = make_model(parse_train(args).model);
            const Graph g = build_graph(spec);
            return py::dict(py::arg("name") = spec.name, py::arg("inputs") = g.inputs, py::arg("outputs") = g.outputs,
                            py::arg("params") = g.params.to_vector());
        },
        py::arg("args"), "The model the options choose: its name, inputs, outputs and parameters.");
    m.def("train", &train, py::arg("args"), py::arg("progress") = py::none(), py::arg("interval") = 0.25,
          "Trains a run given as cgp-run's options ('--name=value'); returns the result as a dict.");
    m.def(
        "train_options",
        [](const std::string& optimizer, const std::vector<std::string>& plugin_dirs) {
            py::list out;
            for (const OptionInfo& o : train_options(optimizer, plugin_dirs))
                out.append(py::dict(py::arg("name") = o.name, py::arg("kind") = o.kind, py::arg("group") = o.group,
                                    py::arg("help") = o.help));
            return out;
        },
        py::arg("optimizer") = run_app::kDefaultOptimizer, py::arg("plugin_dirs") = std::vector<std::string>{},
        "The options cgp.train takes with this optimizer: name, kind (flag, list, value), group, help.");
    m.def(
        "options_not_taken",
        [] {
            py::dict out;
            for (const OptionNotTaken& n : options_not_taken())
                out[py::str(n.name)] = n.instead;
            return out;
        },
        "cgp-run's options cgp.train does not take, each with what to use instead.");
}

} // namespace cgp::python
