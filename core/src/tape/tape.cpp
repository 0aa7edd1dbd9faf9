// Running a compiled Tape: the forward pass, the loss, and the reverse-mode backward pass through
// the kernel table of the chosen SIMD path. Compilation is in tape_compile.cpp.
#include "parallel.hpp"
#include "tape_impl.hpp"

#include <cgp/tape/threads.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

namespace cgp {
namespace {

// out[b * ld + k] = rows[k][b] for k < K, b < B, in 16 x 16 blocks (both sides stay in cache).
template <class T>
void transpose(const T* const* rows, std::size_t K, std::size_t B, T* out, std::size_t ld)
{
    constexpr std::size_t tile = 16;
    for (std::size_t k0 = 0; k0 < K; k0 += tile)
        for (std::size_t b0 = 0; b0 < B; b0 += tile)
            for (std::size_t k = k0; k < std::min(K, k0 + tile); ++k) {
                const T* row = rows[k];
                for (std::size_t b = b0; b < std::min(B, b0 + tile); ++b)
                    out[b * ld + k] = row[b];
            }
}

} // namespace

template <class T>
double Tape<T>::Impl::forward()
{
    const Graph& g = *graph;
    for (int n : scalar_program) {
        const Node& node = g.nodes[static_cast<std::size_t>(n)];
        T* z = &scalars[static_cast<std::size_t>(n)];
        if (is_binary(node.op))
            scalar->op(node.op).binary(1, Operand<T>{nullptr, value_slot(node.a)},
                                       Operand<T>{nullptr, value_slot(node.b)}, z);
        else
            scalar->op(node.op).unary(node.value, 1, value_slot(node.a), z);
    }
    for (const Instr& in : program) {
        switch (in.kind) {
        case Kind::Dense: {
            Dense& d = denses[static_cast<std::size_t>(in.dense)];
            const T* W = params.data() + d.base;
            if (!d.direct) {
                for (std::size_t i = 0; i < d.M * d.K; ++i)
                    d.w_scratch[i] = params[static_cast<std::size_t>(d.weight_index[i])];
                W = d.w_scratch;
            }
            if (d.has_bias)
                for (std::size_t j = 0; j < d.M; ++j)
                    d.bias_values[j] = d.bias_index[j] >= 0 ? params[static_cast<std::size_t>(d.bias_index[j])] : T(0);
            // Output rows in blocks, one per thread.
            parallel::team(d.M > parallel::kRowAlign ? d.threads : 1u, [&](parallel::Member me) {
                const auto [j0, j1] = me.rows(d.M);
                if (j0 == j1)
                    return;
                k->gemm(j1 - j0, N, d.K, W + j0 * d.K, static_cast<std::ptrdiff_t>(d.K), 1, d.x_rows.data(),
                        d.y_rows.data() + j0, false);
                if (d.has_bias || d.act != Op::Identity)
                    k->op(d.act).bias_act(j1 - j0, N, d.y_rows.data() + j0, d.has_bias ? d.bias_values + j0 : nullptr);
            });
            break;
        }
        case Kind::Unary:
            k->op(in.op).unary(in.arg, N, col[static_cast<std::size_t>(in.a)], col[static_cast<std::size_t>(in.node)]);
            break;
        case Kind::Binary:
            k->op(in.op).binary(N, operand(in.a), operand(in.b), col[static_cast<std::size_t>(in.node)]);
            break;
        case Kind::Fill: k->fill(N, *value_slot(in.node), col[static_cast<std::size_t>(in.node)]); break;
        }
    }
    if (loss != Loss::Mse)
        return static_cast<double>(k->losses[static_cast<std::size_t>(loss)](N, B, out_cols.size(), out_cols.data(),
                                                                             target_cols.data(), nullptr, T(0))) /
               static_cast<double>(B);
    double total = 0.0;
    for (std::size_t o = 0; o < g.output_nodes.size(); ++o)
        total += static_cast<double>(
            k->squared_error(N, B, col[static_cast<std::size_t>(g.output_nodes[o])], targets[o], nullptr, T(0)));
    return total / static_cast<double>(B);
}

template <class T>
void Tape<T>::Impl::backward()
{
    const Graph& g = *graph;
    grads.zero();
    // Only the uniform operations' slots are read back (their operands' gradients); the gradient
    // columns lie together in the arena.
    for (int n : scalar_program)
        scalar_grads[static_cast<std::size_t>(n)] = T(0);
    std::fill(gcols_begin, gcols_end, T(0));
    if (loss != Loss::Mse) {
        k->losses[static_cast<std::size_t>(loss)](N, B, out_cols.size(), out_cols.data(), target_cols.data(),
                                                  dout_cols.data(), static_cast<T>(1.0 / static_cast<double>(B)));
    } else {
        const T scale = static_cast<T>(2.0 / static_cast<double>(B));
        for (std::size_t o = 0; o < g.output_nodes.size(); ++o) {
            const int n = g.output_nodes[o];
            if (T* dy = gcol[static_cast<std::size_t>(n)])
                k->squared_error(N, B, col[static_cast<std::size_t>(n)], targets[o], dy, scale);
        }
    }
    for (auto it = program.rbegin(); it != program.rend(); ++it) {
        const Instr& in = *it;
        switch (in.kind) {
        case Kind::Dense: {
            Dense& d = denses[static_cast<std::size_t>(in.dense)];
            // The output rows' dZ (and the input transposed) in blocks, one per thread ...
            parallel::team(d.threads, [&](parallel::Member me) {
                const auto [j0, j1] = me.rows(d.M);
                if (j0 < j1)
                    k->op(d.act).act_backward(j1 - j0, N, B, d.y_rows_c.data() + j0, d.dy_rows.data() + j0,
                                              d.dz_rows.data() + j0, d.has_bias ? d.sums + j0 : nullptr);
                const auto [i0, i1] = me.rows(d.K);
                if (d.transposed && i0 < i1)
                    transpose(d.x_rows.data() + i0, i1 - i0, B, d.xt + i0, d.Kp);
            });
            if (d.has_bias)
                for (std::size_t j = 0; j < d.M; ++j)
                    if (d.bias_index[j] >= 0)
                        grads[static_cast<std::size_t>(d.bias_index[j])] += d.sums[j];
            const T* W = d.direct ? params.data() + d.base : d.w_scratch;
            // ... then the weight gradient by its rows and the input gradient by input columns.
            parallel::team(d.threads, [&](parallel::Member me) {
                const auto [j0, j1] = me.rows(d.M);
                if (j0 < j1) {
                    if (d.transposed)
                        k->gemm(j1 - j0, d.Kp, B, d.dz_rows_c[j0], static_cast<std::ptrdiff_t>(N), 1, d.xt_rows.data(),
                                d.dw_rows.data() + j0, d.dw_in_place);
                    else if (d.direct)
                        k->gemm_dot(j1 - j0, d.K, B, d.dz_rows_c.data() + j0, d.x_rows.data(),
                                    grads.data() + d.base + j0 * d.K, static_cast<std::ptrdiff_t>(d.K), 1);
                    else {
                        std::fill(d.dw_scratch + j0 * d.K, d.dw_scratch + j1 * d.K, T(0));
                        k->gemm_dot(j1 - j0, d.K, B, d.dz_rows_c.data() + j0, d.x_rows.data(), d.dw_scratch + j0 * d.K,
                                    static_cast<std::ptrdiff_t>(d.K), 1);
                    }
                }
                const auto [i0, i1] = me.rows(d.K);
                if (d.need_dx && i0 < i1)
                    k->gemm(i1 - i0, N, d.M, W + i0, 1, static_cast<std::ptrdiff_t>(d.K), d.dz_rows_c.data(),
                            d.dx_rows.data() + i0, true);
            });
            if (d.transposed && !d.dw_in_place)
                for (std::size_t j = 0; j < d.M; ++j)
                    for (std::size_t i = 0; i < d.K; ++i) {
                        const std::size_t w = d.direct ? static_cast<std::size_t>(d.base) + j * d.K + i
                                                       : static_cast<std::size_t>(d.weight_index[j * d.K + i]);
                        grads[w] += d.dw_scratch[j * d.Kp + i];
                    }
            else if (!d.transposed && !d.direct)
                for (std::size_t i = 0; i < d.M * d.K; ++i)
                    grads[static_cast<std::size_t>(d.weight_index[i])] += d.dw_scratch[i];
            break;
        }
        case Kind::Unary: {
            T* da = operand_grad(in.a);
            if (da != nullptr)
                k->op(in.op).unary_backward(in.arg, N, col[static_cast<std::size_t>(in.a)],
                                            col[static_cast<std::size_t>(in.node)],
                                            gcol[static_cast<std::size_t>(in.node)], da);
            break;
        }
        case Kind::Binary: {
            T* ga = operand_grad(in.a);
            T* gb = operand_grad(in.b);
            if (ga != nullptr || gb != nullptr)
                k->op(in.op).binary_backward(N, B, operand(in.a), operand(in.b), col[static_cast<std::size_t>(in.node)],
                                             gcol[static_cast<std::size_t>(in.node)], ga, gb);
            break;
        }
        case Kind::Fill:
            if (T* gs = grad_slot(in.node))
                *gs += k->sum(B, gcol[static_cast<std::size_t>(in.node)]);
            break;
        }
    }
    for (auto it = scalar_program.rbegin(); it != scalar_program.rend(); ++it) {
        const int n = *it;
        const Node& node = g.nodes[static_cast<std::size_t>(n)];
        T* dz = grad_slot(n);
        if (dz == nullptr)
            continue;
        T* z = &scalars[static_cast<std::size_t>(n)];
        if (is_binary(node.op)) {
            T* ga = grad_slot(node.a);
            T* gb = grad_slot(node.b);
            scalar->op(node.op).binary_backward(1, 1, Operand<T>{nullptr, value_slot(node.a)},
                                                Operand<T>{nullptr, value_slot(node.b)}, z, dz, ga, gb);
        } else if (T* da = grad_slot(node.a)) {
            scalar->op(node.op).unary_backward(node.value, 1, value_slot(node.a), z, dz, da);
        }
    }
}

template <class T>
Tape<T>::Tape(const Graph& graph, std::size_t batch_size, SimdPath path, Loss loss) : impl_(std::make_unique<Impl>())
{
    if (batch_size == 0)
        throw Error("the batch size must be at least 1");
    if (graph.outputs.size() < static_cast<std::size_t>(loss_info(loss).min_outputs))
        throw Error(fmt::format("--loss {} needs at least {} outputs; the model has {} ({})", to_string(loss),
                                loss_info(loss).min_outputs, graph.outputs.size(), fmt::join(graph.outputs, ", ")));
    Impl& m = *impl_;
    m.loss = loss;
    m.graph = &graph;
    m.B = batch_size;
    m.N = padded_count<T>(batch_size);
    m.path = resolve_simd_path(path, sizeof(T), batch_size);
    m.k = kernels::table<T>(m.path);
    m.scalar = kernels::table<T>(SimdPath::Scalar);
    if (m.k == nullptr)
        throw Error("this build has no kernels for --simd " + std::string(to_string(m.path)));
    m.params = AlignedArray<T>(graph.params.size());
    m.grads = AlignedArray<T>(graph.params.size());
    m.compile(graph);
    m.allocate();
}

template <class T>
Tape<T>::~Tape() = default;
template <class T>
Tape<T>::Tape(Tape&&) noexcept = default;
template <class T>
Tape<T>& Tape<T>::operator=(Tape&&) noexcept = default;

template <class T>
std::size_t Tape<T>::batch_size() const noexcept
{
    return impl_->B;
}
template <class T>
std::size_t Tape<T>::padded_batch() const noexcept
{
    return impl_->N;
}
template <class T>
void Tape<T>::set_threads(unsigned n, std::size_t min_work)
{
    Impl& m = *impl_;
    m.stats.threads = threads_supported() ? std::max(1u, n) : 1u;
    m.stats.threaded_layers = 0;
    for (auto& d : m.denses) {
        // Input gradients without a column of their own share one junk column: never split those.
        std::vector<T*> dx = d.dx_rows;
        std::sort(dx.begin(), dx.end());
        const bool distinct = !d.need_dx || std::adjacent_find(dx.begin(), dx.end()) == dx.end();
        const bool wide = d.M * d.K * m.N >= min_work && std::max(d.M, d.K) > parallel::kRowAlign;
        d.threads = m.stats.threads > 1 && wide && distinct ? m.stats.threads : 1u;
        m.stats.threaded_layers += d.threads > 1 ? 1 : 0;
    }
}
template <class T>
SimdPath Tape<T>::simd_path() const noexcept
{
    return impl_->path;
}
template <class T>
const TapeStats& Tape<T>::stats() const noexcept
{
    return impl_->stats;
}
template <class T>
std::span<T> Tape<T>::params() noexcept
{
    return impl_->params.span();
}
template <class T>
std::span<const T> Tape<T>::params() const noexcept
{
    return impl_->params.span();
}
template <class T>
std::span<const T> Tape<T>::grads() const noexcept
{
    return impl_->grads.span();
}
template <class T>
std::span<T> Tape<T>::grads() noexcept
{
    return impl_->grads.span();
}
template <class T>
const Graph& Tape<T>::graph() const noexcept
{
    return *impl_->graph;
}
template <class T>
T* Tape<T>::input(std::size_t k) noexcept
{
    return impl_->col[static_cast<std::size_t>(impl_->graph->input_nodes[k])];
}
template <class T>
Loss Tape<T>::loss() const noexcept
{
    return impl_->loss;
}
template <class T>
const T* Tape<T>::output(std::size_t o) const noexcept
{
    return impl_->out_cols[o];
}
template <class T>
T* Tape<T>::target(std::size_t o) noexcept
{
    return impl_->targets[o];
}
template <class T>
double Tape<T>::forward()
{
    return impl_->forward();
}
template <class T>
void Tape<T>::backward()
{
    impl_->backward();
}
template <class T>
T Tape<T>::value(int node, std::size_t sample) const noexcept
{
    Impl& m = *impl_;
    const Node& n = m.graph->nodes[static_cast<std::size_t>(node)];
    if (!n.uniform && m.col[static_cast<std::size_t>(node)] != nullptr)
        return m.col[static_cast<std::size_t>(node)][sample];
    return *m.value_slot(node);
}

template <class T>
typename Tape<T>::NonFinite Tape<T>::first_nonfinite() const noexcept
{
    const Impl& m = *impl_;
    const std::vector<Node>& nodes = m.graph->nodes;
    for (std::size_t n = 0; n < nodes.size(); ++n) {
        const bool column = !nodes[n].uniform;
        if (column && m.col[n] == nullptr)
            continue;
        for (std::size_t b = 0; b < (column ? m.B : 1); ++b)
            if (!std::isfinite(static_cast<double>(value(static_cast<int>(n), b))))
                return {static_cast<int>(n), b};
    }
    return {};
}

template class Tape<float>;
template class Tape<double>;

} // namespace cgp
