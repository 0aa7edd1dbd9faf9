// CheckpointWriter: checkpoints at chosen iterations and at the end of a run.
#include <cgp/training/checkpoint_writer.hpp>

namespace cgp {

CheckpointWriter::CheckpointWriter(CheckpointSettings settings, Checkpoint identity)
    : settings_(std::move(settings)), identity_(std::move(identity))
{
}

void CheckpointWriter::on_begin(const TrainStatus& s)
{
    written_ = s.iteration;
}

void CheckpointWriter::on_iteration(const TrainStatus& s, const RunSnapshot& run)
{
    if (settings_.every > 0 && s.iteration % settings_.every == 0)
        write(run);
}

void CheckpointWriter::on_last_iteration(StopReason reason, const RunSnapshot& run)
{
    if (reason != StopReason::NonFinite && run.loop.iteration != written_)
        write(run);
}

void CheckpointWriter::write(const RunSnapshot& run)
{
    write_checkpoint(settings_.path, capture_checkpoint(identity_, run));
    written_ = run.loop.iteration;
}

} // namespace cgp
