// cgp/report/trace.hpp: everything needed to replay a training run elsewhere (cgp-run --trace DIR), for
// checking cgp against another implementation (tools/torch_check.py trains the same network in
// PyTorch from a trace and compares the loss records).
//
// A trace folder holds:
//   trace.json   the model (statements and the graph's nodes in topological order, inputs,
//                outputs, parameter names), the loss definition, the settings, the optimizer with
//                its hyperparameters, the initial and final parameters, cgp's loss record and summary
//   batches.f64  every batch of the run in order, little-endian float64, shape
//                [iterations][batch_size][inputs + outputs]: the model's inputs, then the targets
//   losses.csv   cgp's loss record (iteration,loss,window), as cgp-run --loss-csv writes it
// The batches are regenerated from the run's sampling seed, independently of the training loop, so
// they are exactly the batches the run trained on.
#pragma once

#include <cgp/training/experiment.hpp>
#include <cgp/language/model.hpp>
#include <cgp/training/trainer.hpp>

#include <filesystem>
#include <span>

namespace cgp {

// Checks, before the run, that the trace folder can be written: it is an existing folder, or its
// parent folder exists. Throws cgp::Error naming the option.
void check_trace_folder(const std::filesystem::path& dir);

// Writes the trace of a finished run (creating the folder when missing). initial_params are the
// parameters before training (Experiment::params() before run()).
void write_trace(const std::filesystem::path& dir, const ModelSpec& spec, const Experiment& experiment,
                 std::span<const double> initial_params, const TrainSummary& summary);

} // namespace cgp
