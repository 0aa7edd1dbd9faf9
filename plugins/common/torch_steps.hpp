// torch_steps.hpp: the pieces torch.optim's updates share, in torch's order of rounding, for cgp's own
// plugins.
//
//   torch_gradient:  d = maximize ? -g : g;  d <- d + weight_decay * p   (coupled L2 decay; skipped when
//                    weight_decay = 0, as torch does)
//   torch_moments:   m <- m * b1 + (1 - b1) * d;  v <- v * b2 + ((1 - b2) * d) * d   (Adam's moments:
//                    exp_avg.mul_(b1).add_(d, alpha=1-b1), exp_avg_sq.mul_(b2).addcmul_(d, d, value=1-b2))
#pragma once

namespace cgp::plugins {

template <class V, class T>
inline V torch_gradient(const V& g, const V& p, bool maximize, T weight_decay)
{
    V d = maximize ? V(-g) : g;
    if (weight_decay != T(0))
        d = d + V(weight_decay) * p;
    return d;
}

// c provides b1, one_minus_b1, b2, one_minus_b2.
template <class V, class C>
inline void torch_moments(V& m, V& v, const V& d, const C& c)
{
    m = m * V(c.b1) + V(c.one_minus_b1) * d;
    v = v * V(c.b2) + V(c.one_minus_b2) * d * d;
}

} // namespace cgp::plugins
