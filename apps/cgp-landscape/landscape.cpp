// The loss over a dataset through the SIMD tape, filter-normalised directions, line, slice and projection.
#include "landscape.hpp"

#include <cgp/data/rng.hpp>
#include <cgp/io/error.hpp>
#include <cgp/training/transforms.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

namespace cgp::landscape {
namespace {

double dot(std::span<const double> x, std::span<const double> y)
{
    double s = 0.0;
    for (std::size_t i = 0; i < x.size(); ++i)
        s += x[i] * y[i];
    return s;
}

std::vector<double> grid(double lo, double hi, std::size_t points)
{
    std::vector<double> v(points);
    for (std::size_t i = 0; i < points; ++i)
        v[i] = points == 1 ? lo : lo + (hi - lo) * static_cast<double>(i) / static_cast<double>(points - 1);
    return v;
}

} // namespace

Dataset run_samples(const Experiment& ex)
{
    const Dataset& data = ex.dataset();
    const RunSettings& st = ex.settings();
    const std::size_t B = st.batch_size, batches = (data.samples + B - 1) / B;
    const std::uint64_t seed = Seeds::from(st.seed).sample;
    const std::unique_ptr<Sampler> sampler =
        data.origin == "generated" ? make_cgp_sampler(data, seed, B) : make_epoch_sampler(data, seed);
    Dataset out;
    out.origin = fmt::format("the first {} batches of {} of the run", batches, B);
    out.feature_names = data.feature_names;
    out.label_names = data.label_names;
    out.samples = batches * B;
    std::vector<std::vector<double>> in(data.features(), std::vector<double>(B)),
        lab(data.labels(), std::vector<double>(B));
    std::vector<double*> in_ptrs, lab_ptrs;
    for (auto& c : in)
        in_ptrs.push_back(c.data());
    for (auto& c : lab)
        lab_ptrs.push_back(c.data());
    for (std::size_t k = 0; k < batches; ++k) {
        sampler->next(B, std::span<double* const>(in_ptrs), std::span<double* const>(lab_ptrs));
        for (std::size_t b = 0; b < B; ++b) {
            for (const auto& c : in)
                out.x.push_back(c[b]);
            for (const auto& c : lab)
                out.y.push_back(c[b]);
        }
    }
    return out;
}

DatasetLoss::DatasetLoss(const Graph& graph, const Dataset& data, std::size_t chunk, SimdPath simd)
    : samples_(data.samples), params_(graph.params.size())
{
    if (data.samples == 0)
        throw Error(fmt::format("the data ({}) has no samples", data.origin));
    if (data.features() != graph.inputs.size() || data.labels() != graph.outputs.size())
        throw Error(fmt::format("the data ({}) has {} features and {} labels; the model has {} inputs and {} outputs",
                                data.origin, data.features(), data.labels(), graph.inputs.size(),
                                graph.outputs.size()));
    for (std::size_t first = 0; first < data.samples; first += chunk) {
        const std::size_t n = std::min(chunk, data.samples - first);
        Tape<double>& tape = tapes_.emplace_back(graph, n, simd);
        for (std::size_t b = 0; b < n; ++b) {
            for (std::size_t k = 0; k < data.features(); ++k)
                tape.input(k)[b] = data.x[(first + b) * data.features() + k];
            for (std::size_t o = 0; o < data.labels(); ++o)
                tape.target(o)[b] = data.y[(first + b) * data.labels() + o];
        }
    }
}

double DatasetLoss::operator()(std::span<const double> params)
{
    double sum = 0.0;
    for (Tape<double>& tape : tapes_) {
        std::copy(params.begin(), params.end(), tape.params().begin());
        sum += tape.forward() * static_cast<double>(tape.batch_size());
    }
    return sum / static_cast<double>(samples_);
}

std::array<std::vector<double>, 2> filter_normalised_directions(const Graph& graph, std::span<const double> center,
                                                                std::uint64_t seed)
{
    const std::vector<ParamTensor> tensors = parameter_tensors(graph);
    std::array<std::vector<double>, 2> d{std::vector<double>(center.size()), std::vector<double>(center.size())};
    Rng rng(seed);
    for (std::vector<double>& dir : d) {
        for (double& v : dir)
            v = rng.normal();
        for (const ParamTensor& t : tensors) {
            double dn = 0.0, pn = 0.0;
            for (const ParamRange& r : t.ranges)
                for (std::size_t i = r.begin; i < r.end; ++i) {
                    dn += dir[i] * dir[i];
                    pn += center[i] * center[i];
                }
            const double scale = dn > 0 ? std::sqrt(pn / dn) : 0.0;
            for (const ParamRange& r : t.ranges)
                for (std::size_t i = r.begin; i < r.end; ++i)
                    dir[i] *= scale;
        }
    }
    const double n1 = std::sqrt(dot(d[0], d[0])), n2 = std::sqrt(dot(d[1], d[1]));
    if (!(n1 > 0) || !(n2 > 0))
        throw Error("the slice's directions are zero: every parameter tensor of the final parameters is zero, so "
                    "filter normalisation scales every direction to nothing\nhint: draw a run that moved its "
                    "parameters away from zero");
    const double cosine = dot(d[0], d[1]) / (n1 * n2);
    if (std::abs(cosine) > 0.999)
        throw Error(fmt::format("the slice's two directions are parallel (cosine {:.6f}): the model has {} "
                                "parameter(s) in {} tensor(s), too few for a plane\nhint: try another "
                                "--direction-seed, or draw the line only (--slice off)",
                                cosine, center.size(), tensors.size()));
    return d;
}

Line line_losses(DatasetLoss& loss, std::span<const double> from, std::span<const double> to, double lo, double hi,
                 std::size_t points)
{
    Line line{grid(lo, hi, points), std::vector<double>(points)};
    std::vector<double> p(from.size());
    for (std::size_t k = 0; k < points; ++k) {
        const double t = line.alpha[k];
        for (std::size_t i = 0; i < p.size(); ++i)
            p[i] = (1.0 - t) * from[i] + t * to[i];
        line.loss[k] = loss(p);
    }
    return line;
}

Slice slice_losses(DatasetLoss& loss, std::span<const double> center, const std::array<std::vector<double>, 2>& d,
                   std::array<double, 4> box, std::size_t resolution)
{
    Slice s{grid(box[0], box[1], resolution), grid(box[2], box[3], resolution),
            std::vector<double>(resolution * resolution)};
    std::vector<double> p(center.size());
    for (std::size_t ib = 0; ib < resolution; ++ib)
        for (std::size_t ia = 0; ia < resolution; ++ia) {
            for (std::size_t i = 0; i < p.size(); ++i)
                p[i] = center[i] + s.a[ia] * d[0][i] + s.b[ib] * d[1][i];
            s.loss[ib * resolution + ia] = loss(p);
        }
    return s;
}

Projected project(std::span<const double> point, std::span<const double> center,
                  const std::array<std::vector<double>, 2>& d)
{
    std::vector<double> v(point.size());
    for (std::size_t i = 0; i < v.size(); ++i)
        v[i] = point[i] - center[i];
    // The normal equations of min |v - a d1 - b d2|: [d1.d1 d1.d2; d1.d2 d2.d2] [a b]' = [d1.v d2.v]'.
    const double g11 = dot(d[0], d[0]), g12 = dot(d[0], d[1]), g22 = dot(d[1], d[1]);
    const double r1 = dot(d[0], v), r2 = dot(d[1], v);
    const double det = g11 * g22 - g12 * g12;
    Projected p;
    p.a = (r1 * g22 - r2 * g12) / det;
    p.b = (g11 * r2 - g12 * r1) / det;
    double off = 0.0;
    for (std::size_t i = 0; i < v.size(); ++i) {
        const double e = v[i] - p.a * d[0][i] - p.b * d[1][i];
        off += e * e;
    }
    p.off_plane = std::sqrt(off);
    return p;
}

} // namespace cgp::landscape
