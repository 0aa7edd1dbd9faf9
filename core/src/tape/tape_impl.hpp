// tape_impl.hpp: the inside of a compiled Tape: its instructions, dense layers and buffers.
// Internal to core: tape_compile.cpp builds it from a Graph, tape.cpp runs it.
#pragma once

#include <cgp/tape/aligned.hpp>
#include <cgp/io/error.hpp>
#include <cgp/tape/tape.hpp>

#include "kernels/kernels.hpp"

#include <vector>

namespace cgp {
template <class T>
struct Tape<T>::Impl {
    template <class U>
    using Operand = kernels::Operand<U>;

    enum class Kind { Dense, Unary, Binary, Fill };
    struct Instr {
        Kind kind;
        int node; // result
        int a = -1, b = -1;
        double arg = 0; // PowInt exponent
        Op op{};        // Unary, Binary
        int dense = -1;
    };
    struct Dense {
        Op act = Op::Identity; // an op marked `activation`; Identity for none
        std::size_t M = 0, K = 0;
        std::vector<int> members, inputs;
        std::vector<int> weight_index; // M*K parameter indices, row-major
        std::vector<int> bias_index;   // M, -1 for none
        bool direct = false;           // weights are params[base .. base+M*K) row-major
        int base = 0;
        bool need_dx = false;
        bool has_bias = false;
        // Wide layers compute the weight gradient as dZ (M x B) times X transposed (B x Kp), with
        // the broadcast kernel; narrow ones as M*K dot products over the batch.
        bool transposed = false;
        std::size_t Kp = 0; // K padded to whole 64-byte lines
        T* xt = nullptr;    // B rows of Kp: the layer's input, transposed
        std::vector<const T*> xt_rows;
        std::vector<T*> dw_rows;  // M rows of the weight gradient: into grads, or dw_scratch
        bool dw_in_place = false; // dw_rows point into the gradient array
        std::vector<const T*> x_rows;
        std::vector<T*> y_rows, dz_rows, dx_rows;
        std::vector<const T*> y_rows_c, dy_rows, dz_rows_c;
        T* w_scratch = nullptr;
        T* dw_scratch = nullptr;
        T* bias_values = nullptr;
        T* sums = nullptr;
        unsigned threads = 1; // Tape::set_threads
    };

    const Graph* graph = nullptr;
    std::size_t B = 0, N = 0;
    SimdPath path = SimdPath::Scalar;
    const kernels::Table<T>* k = nullptr;      // the chosen path
    const kernels::Table<T>* scalar = nullptr; // once-per-batch scalar program
    TapeStats stats;

    AlignedArray<T> params, grads;
    AlignedArray<T> arena;
    std::vector<T> scalars, scalar_grads; // per node: uniform values / gradients
    std::vector<T*> col, gcol;            // per node: value / gradient column, or null
    T* gcols_begin = nullptr;             // every gradient column, one after another
    T* gcols_end = nullptr;
    std::vector<T*> targets;
    Loss loss = Loss::Mse;
    std::vector<const T*> out_cols, target_cols; // per output, for the loss kernels
    std::vector<T*> dout_cols;                   // per output: its gradient column, or a junk column
    std::vector<Instr> program;                  // column instructions, topological order
    std::vector<int> scalar_program;             // uniform operation nodes, topological order
    std::vector<Dense> denses;

    T* value_slot(int n)
    {
        const Node& node = graph->nodes[static_cast<std::size_t>(n)];
        return node.op == Op::Param ? params.data() + node.index : &scalars[static_cast<std::size_t>(n)];
    }
    T* grad_slot(int n)
    {
        const Node& node = graph->nodes[static_cast<std::size_t>(n)];
        if (!node.needs_grad)
            return nullptr;
        return node.op == Op::Param ? grads.data() + node.index : &scalar_grads[static_cast<std::size_t>(n)];
    }
    Operand<T> operand(int n)
    {
        Operand<T> o;
        if (col[static_cast<std::size_t>(n)] != nullptr && !graph->nodes[static_cast<std::size_t>(n)].uniform)
            o.col = col[static_cast<std::size_t>(n)];
        else
            o.scalar = value_slot(n);
        return o;
    }
    // Gradient target for operand n of a column instruction: its column, or its scalar slot.
    T* operand_grad(int n)
    {
        const Node& node = graph->nodes[static_cast<std::size_t>(n)];
        if (!node.needs_grad)
            return nullptr;
        return node.uniform ? grad_slot(n) : gcol[static_cast<std::size_t>(n)];
    }

    void compile(const Graph& g);
    void allocate();
    double forward();
    void backward();
};

} // namespace cgp
