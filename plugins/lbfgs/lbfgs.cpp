// lbfgs.so: L-BFGS as torch.optim.LBFGS of PyTorch 1.13 (torch/optim/lbfgs.py), every option and
// stopping rule, so a cgp run reproduces a torch run. One cgp step is one torch step(closure): up to
// max_iter iterations, each moving p; the host's loss and gradient at p are the closure's first call,
// and the others come from the host's closure (cgp.closure/1) on the step's batch.
//
// Per step (g, f: the gradient and loss at p; evals counts closure calls, the host's first included):
//   stop if max|g| <= tolerance_grad
//   repeat up to max_iter times (k counts iterations over the whole run):
//     k = 1:  d = -g, history empty, H = 1
//     k > 1:  y = g - g_prev, s = t d;  if y.s > 1e-10: push (s, y, rho = 1/y.s), dropping the oldest
//             beyond history_size, and H = y.s / y.y;
//             d = -(two-loop recursion of g over the history, initial inverse Hessian H I)
//     g_prev = g;  f_prev = f;  t = lr min(1, 1/sum|g|) at k = 1 (summed in torch's order), else lr
//     stop if g.d > -tolerance_change
//     line_search 0: p <- p + t d; unless this is the last iteration, f, g at p (one evaluation)
//     line_search 1: t, f, g from the strong-Wolfe search along d (strong_wolfe.hpp); p <- p + t d
//     stop after max_iter iterations, or when evals >= max_eval (0: max_iter*5/4, integer division,
//     torch's default), max|g| <= tolerance_grad, max|t d| <= tolerance_change or |f - f_prev| <
//     tolerance_change
// The history, d, t, H and k are kept between steps as torch keeps them in its state. They live in
// the host's arrays: y and s in two rings of history_size + 1 state arrays each (the spare slot of
// each ring holds g_prev and d), two spare gradients for the line search, and the scalars in run state
// (cgp.run_state/1), so a checkpoint resumes bit for bit. At most 16 state arrays (abi.h):
// history_size 1 to 7 (6 with the line search). torch's default history_size, 100, does not fit.
// Ranges narrower than torch's: lr up to 2 (fixed steps beyond twice the Newton step grow without
// bound), max_iter up to 100 and max_eval up to 500 evaluations per step.
#include "strong_wolfe.hpp"
#include "torch_sum.hpp"
#include "vectors.hpp"

#include <cgp/sdk/closure_optimizer.hpp>

#include <cstdint>
#include <string>

struct Lbfgs {
    static constexpr cgp::sdk::info info{"lbfgs", "L-BFGS", "1.0.0",
                                         "limited-memory BFGS with torch.optim.LBFGS's line search and stopping rules"};
    enum { lr, max_iter, max_eval, tolerance_grad, tolerance_change, history_size, line_search, hparam_count };
    static constexpr cgp_hparam hparams[] = {
        {"lr", "step length (the line search's first trial with line_search 1)", 1.0, 0.0, 2.0, 0},
        {"max_iter", "iterations per step", 20.0, 1.0, 100.0, CGP_HPARAM_INTEGER},
        {"max_eval", "loss evaluations per step (0: max_iter*5/4, torch's default)", 0.0, 0.0, 500.0,
         CGP_HPARAM_INTEGER},
        {"tolerance_grad", "stop when the largest |gradient| is at most this", 1e-7, 0.0, 1e3, 0},
        {"tolerance_change", "stop when the step or the loss changes by less", 1e-9, 0.0, 1e3, 0},
        {"history_size", "(s, y) pairs kept (at most 7; 6 with the line search)", 6.0, 1.0, 7.0, CGP_HPARAM_INTEGER},
        {"line_search", "0: none (fixed steps of lr), 1: strong_wolfe", 0.0, 0.0, 1.0, CGP_HPARAM_INTEGER},
    };
    static constexpr unsigned max_state = 16;
    static unsigned slots(const double* hp) { return static_cast<unsigned>(hp[history_size]) + 1; }
    static std::uint32_t state_count(const double* hp) { return 2 * slots(hp) + (hp[line_search] != 0.0 ? 2 : 0); }
    static std::string validate(const double* hp)
    {
        if (hp[line_search] != 0.0 && hp[history_size] > 6.0)
            return "history_size " + std::to_string(static_cast<int>(hp[history_size])) +
                   " with line_search 1 needs 18 state arrays, more than the 16 a plugin may have; hint: "
                   "--history-size 6 or less";
        return {};
    }
    // Run state: iterations k, closure calls, the last t, H, the ring's first slot and length, rho per slot.
    enum { n_iter, func_evals, last_t, h_diag, head, num_old, rho };
    static constexpr unsigned run_state_size = rho + 8;

    template <class T>
    static void step(const cgp::sdk::closure_step<T>& s)
    {
        using namespace lbfgs;
        const double* hp = s.hp;
        double* run = s.run;
        const std::size_t n = s.n;
        const unsigned ring = slots(hp), history = ring - 1;
        T* const* ys = s.s;        // y ring (the spare slot: g_prev)
        T* const* ss = s.s + ring; // s ring (the spare slot: d)
        T* const* spare = s.s + 2 * ring;
        const auto iterations = static_cast<std::uint64_t>(hp[max_iter]);
        const std::uint64_t evals_allowed =
            hp[max_eval] > 0.0 ? static_cast<std::uint64_t>(hp[max_eval]) : iterations * 5 / 4;
        double loss = s.context.loss;
        const T* g = s.g;
        std::uint64_t current_evals = 1;
        run[func_evals] += 1;
        if (max_abs(g, n) <= hp[tolerance_grad])
            return;
        auto slot = [&](unsigned i) { return (static_cast<unsigned>(run[head]) + i) % ring; };
        for (std::uint64_t k = 1; k <= iterations; ++k) {
            run[n_iter] += 1;
            unsigned spare_slot = slot(static_cast<unsigned>(run[num_old]));
            if (run[n_iter] == 1) {
                run[head] = run[num_old] = 0, run[h_diag] = 1, spare_slot = 0;
                for (std::size_t i = 0; i < n; ++i)
                    ss[0][i] = -g[i];
            } else {
                T* y = ys[spare_slot];
                T* st = ss[spare_slot];
                const T t = static_cast<T>(run[last_t]);
                for (std::size_t i = 0; i < n; ++i)
                    y[i] = g[i] - y[i], st[i] = st[i] * t;
                const double y_s = dot(y, st, n);
                if (y_s > 1e-10) {
                    if (run[num_old] == history)
                        run[head] = slot(1);
                    else
                        run[num_old] += 1;
                    run[rho + spare_slot] = 1. / y_s;
                    run[h_diag] = y_s / dot(y, y, n);
                }
                spare_slot = slot(static_cast<unsigned>(run[num_old]));
                two_loop(s, g, ys, ss, spare_slot);
            }
            const T* d = ss[spare_slot];
            copy(ys[spare_slot], g, n);
            const double prev_loss = loss;
            double t = hp[lr];
            if (run[n_iter] == 1) {
                const double inverse = 1. / torch_sum_abs(g, n);
                t = (inverse < 1. ? inverse : 1.) * hp[lr];
            }
            run[last_t] = t;
            const double gtd = dot(g, d, n);
            if (gtd > -hp[tolerance_change])
                break;
            std::uint64_t ls_func_evals = 0;
            bool opt_cond = false;
            if (hp[line_search] != 0.0) {
                const search_result<T> r = strong_wolfe(s, d, t, loss, ys[spare_slot], gtd, spare);
                loss = r.loss, t = r.t, run[last_t] = t;
                g = r.gradient;
                if (g == ys[spare_slot]) { // the next iteration rewrites that slot
                    copy(spare[0], g, n);
                    g = spare[0];
                }
                point_along(s.p, s.p, d, t, n);
                opt_cond = max_abs(g, n) <= hp[tolerance_grad];
                ls_func_evals = static_cast<std::uint64_t>(r.evaluations);
            } else {
                point_along(s.p, s.p, d, t, n);
                if (k != iterations) {
                    copy(s.point, s.p, n);
                    loss = s.evaluate();
                    g = s.gradient;
                    opt_cond = max_abs(g, n) <= hp[tolerance_grad];
                    ls_func_evals = 1;
                }
            }
            current_evals += ls_func_evals;
            run[func_evals] += static_cast<double>(ls_func_evals);
            if (k == iterations || current_evals >= evals_allowed || opt_cond)
                break;
            if (max_abs_times(d, t, n) <= hp[tolerance_change] || std::abs(loss - prev_loss) < hp[tolerance_change])
                break;
        }
    }

    // d = -H g by the two-loop recursion over the history (oldest first), written into ss[out].
    template <class T>
    static void two_loop(const cgp::sdk::closure_step<T>& s, const T* g, T* const* ys, T* const* ss, unsigned out)
    {
        using namespace lbfgs;
        const std::size_t n = s.n;
        const unsigned ring = slots(s.hp), count = static_cast<unsigned>(s.run[num_old]);
        const unsigned first = static_cast<unsigned>(s.run[head]);
        double al[8] = {0};
        T* q = ss[out];
        for (std::size_t i = 0; i < n; ++i)
            q[i] = -g[i];
        for (unsigned i = count; i-- > 0;) {
            const unsigned k = (first + i) % ring;
            al[i] = dot(ss[k], q, n) * s.run[rho + k];
            add_scaled(q, ys[k], -al[i], n);
        }
        const T h = static_cast<T>(s.run[h_diag]);
        for (std::size_t i = 0; i < n; ++i)
            q[i] = q[i] * h;
        for (unsigned i = 0; i < count; ++i) {
            const unsigned k = (first + i) % ring;
            const double be_i = dot(ys[k], q, n) * s.run[rho + k];
            add_scaled(q, ss[k], al[i] - be_i, n);
        }
    }
};

CGP_REGISTER_CLOSURE_OPTIMIZER(Lbfgs)
