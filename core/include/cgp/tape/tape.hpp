// cgp/tape/tape.hpp: a graph compiled for one batch size and one SIMD path: forward pass, mean squared
// error loss and exact reverse-mode gradients over a batch.
//
// Compilation fuses CGP's neuron pattern act(p1*x1 + p2*x2 + ... + bias) into linear combinations
// and groups those reading the same variables into dense layers (one matrix kernel per layer), so
// a 256-wide layer is one instruction, not 65,536. Everything else runs as element-wise
// instructions over batch columns; parts that depend on no input (parameter-only expressions) are
// computed once per batch as scalars.
//
// Loss: one of the table of losses (cgp/language/ops.hpp), the per-sample sum over outputs averaged
// over the batch; mse, the default, is L = (1/B) * sum over samples b and outputs o of (y_bo - t_bo)^2
// (CGP's per-sample squared error; no factor 1/2). bce and cross-entropy read the outputs as logits.
//
// All memory is allocated by the constructor; forward() and backward() never allocate.
#pragma once

#include <cgp/graph/graph.hpp>
#include <cgp/tape/simd.hpp>

#include <cstddef>
#include <memory>
#include <span>

namespace cgp {

struct TapeStats {
    std::size_t dense_layers = 0;    // fused matrix instructions
    std::size_t dense_weights = 0;   // weights they cover
    std::size_t elementwise = 0;     // element-wise instructions over columns
    std::size_t scalar_ops = 0;      // once-per-batch scalar instructions
    std::size_t gathered_layers = 0; // dense layers whose weights are not one contiguous block
    unsigned threads = 1;            // set_threads(): the threads a wide dense layer runs on
    std::size_t threaded_layers = 0; // dense layers split across those threads
};

// A dense layer is split across threads when a pass over it takes at least this many multiply-adds
// (outputs x inputs x padded batch); below, a fork-join costs more than it saves (docs/threads.md).
inline constexpr std::size_t kMinThreadedWork = std::size_t{1} << 20;

template <class T>
class Tape {
public:
    // Throws cgp::Error when the loss needs more outputs than the graph has.
    Tape(const Graph& graph, std::size_t batch_size, SimdPath path = SimdPath::Auto, Loss loss = Loss::Mse);
    ~Tape();
    Tape(Tape&&) noexcept;
    Tape& operator=(Tape&&) noexcept;

    std::size_t batch_size() const noexcept;
    std::size_t padded_batch() const noexcept; // columns' length: a multiple of 64 bytes
    // Runs the dense layers of at least min_work multiply-adds on n threads (0 and 1: one; without
    // OpenMP in the build, always one). Rows are split in fixed blocks and every value is computed
    // the same way in any block, so forward() and backward() give bitwise the same results for
    // every n. Not while forward() or backward() runs. (cgp-bench measures the split with min_work 0.)
    void set_threads(unsigned n, std::size_t min_work = kMinThreadedWork);
    SimdPath simd_path() const noexcept; // the resolved path
    const TapeStats& stats() const noexcept;

    // Parameters and gradients in the graph's parameter order; 64-byte aligned, padded with zeros.
    std::span<T> params() noexcept;
    std::span<const T> params() const noexcept;
    std::span<const T> grads() const noexcept;
    std::span<T> grads() noexcept;

    const Graph& graph() const noexcept;
    std::size_t input_count() const noexcept { return graph().inputs.size(); }
    std::size_t output_count() const noexcept { return graph().outputs.size(); }

    // Columns to fill before forward(): input k and the target of output o (first batch_size values).
    T* input(std::size_t k) noexcept;
    T* target(std::size_t o) noexcept;
    // After forward(): output o's column (the logits when the loss has a link).
    const T* output(std::size_t o) const noexcept;
    Loss loss() const noexcept;

    // Runs the forward pass and returns the loss.
    double forward();
    // After forward(): writes dL/dparams into grads().
    void backward();
    double forward_backward()
    {
        const double loss = forward();
        backward();
        return loss;
    }

    // After forward(): the value of a node for every sample (column nodes) or its single value.
    // For tests and tools; node indices are the graph's.
    T value(int node, std::size_t sample) const noexcept;

    // After forward(): the first node, in topological order, whose value is NaN or infinite for some
    // sample of the batch (nodes fused into a dense layer keep no value and are not looked at), and
    // that sample; node -1 when every value is finite. For messages, not for the training step.
    struct NonFinite {
        int node = -1;
        std::size_t sample = 0;
    };
    NonFinite first_nonfinite() const noexcept;

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

extern template class Tape<float>;
extern template class Tape<double>;

} // namespace cgp
