// The two batch samplers: CGP's coin toss (each batch divided by its largest value) and shuffled
// epochs; both resumable from their saved state.
#include <cgp/data/bounded_draw.hpp>
#include <cgp/data/data.hpp>
#include <cgp/io/error.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <numeric>
#include <sstream>

namespace cgp {

namespace {

template <class Derived>
class SamplerBase : public Sampler {
protected:
    // "data.csv row 17: a=-1, b=2" (rows counted from 1 after the header), "generated sample 17: ...".
    static std::string describe_row(const Dataset& d, std::size_t s)
    {
        std::string out = d.origin == "generated" ? fmt::format("generated sample {}:", s + 1)
                                                  : fmt::format("{} row {}:", d.origin, s + 1);
        const std::size_t f = d.features();
        for (std::size_t k = 0; k < f; ++k)
            out += fmt::format("{} {}={:g}", k == 0 ? "" : ",", d.feature_names[k], d.x[s * f + k]);
        return out;
    }

public:
public:
    void next(std::size_t B, std::span<float* const> in, std::span<float* const> out) override
    {
        static_cast<Derived*>(this)->fill(B, in, out);
    }
    void next(std::size_t B, std::span<double* const> in, std::span<double* const> out) override
    {
        static_cast<Derived*>(this)->fill(B, in, out);
    }
};

// CGP's sampler: per sample a fair coin picks the class, then a sample of that class with
// replacement; then the batch is divided by its largest element (kept as is when that is <= 0).
//
// Its random stream is versioned, and the version is part of the saved state:
//   2 (new runs): one 64-bit draw per sample; its lowest bit is the coin (1: class 1) and its upper
//     63 bits pick the sample by Lemire's bounded draw (BoundedDraw; a rejected draw is replaced by
//     the upper 63 bits of the next). The batch is multiplied by the reciprocal of its largest
//     element, and that element itself becomes exactly 1.
//   1 (checkpoints written before version 2; the state has no version tag): below(2) for the coin,
//     then below(count) for the sample, each a draw with modulo rejection, and the batch divided
//     element by element. Kept so that those checkpoints resume exactly.
class CgpSampler final : public SamplerBase<CgpSampler> {
public:
    CgpSampler(const Dataset& d, std::uint64_t seed, std::size_t batch_size)
        : data_(d), rng_(seed), picks_(batch_size), class0_(d.class_split), class1_(d.samples - d.class_split)
    {
        if (d.class_split == 0 || d.class_split >= d.samples)
            throw Error("CGP's sampler needs generated two-class data");
    }

    template <class T>
    void fill(std::size_t B, std::span<T* const> in, std::span<T* const> out)
    {
        if (B > picks_.size())
            throw Error("internal error: batch larger than the sampler was built for");
        if (stream_ == 1)
            write<1>(B, pick_v1(B), in, out);
        else
            write<2>(B, pick_v2(B), in, out);
    }

    std::string save_state() const override { return stream_ == 1 ? rng_.save() : kStreamTag + rng_.save(); }
    void restore_state(const std::string& state) override
    {
        if (state.rfind(kStreamTag, 0) == 0) {
            rng_.restore(state.substr(kStreamTag.size()));
            stream_ = 2;
        } else if (!state.empty() && state[0] == 'v') {
            throw Error(fmt::format("CGP's sampler state names random stream '{}', which this build does not "
                                    "know (it reads streams 1 and 2); hint: resume with the cgp version that "
                                    "wrote the checkpoint",
                                    state.substr(0, state.find(' '))));
        } else {
            rng_.restore(state);
            stream_ = 1;
        }
    }
    std::string describe_sample(std::size_t b) const override
    {
        return b < picks_.size() ? describe_row(data_, picks_[b]) + " (the batch is divided by its max)" : "";
    }

private:
    inline static const std::string kStreamTag = "v2 ";

    // Stream 1's draws; fills picks_[0..B) and returns the batch's largest element (or 0).
    double pick_v1(std::size_t B)
    {
        const std::size_t f = data_.features();
        double maxval = 0.0;
        for (std::size_t b = 0; b < B; ++b) {
            const bool cls = rng_.below(2) == 1;
            const std::size_t first = cls ? data_.class_split : 0;
            const std::size_t count = cls ? data_.samples - data_.class_split : data_.class_split;
            const std::size_t s = first + rng_.below(count);
            picks_[b] = s;
            for (std::size_t k = 0; k < f; ++k)
                maxval = std::max(maxval, data_.x[s * f + k]);
        }
        return maxval;
    }

    // Stream 2's draws, likewise.
    double pick_v2(std::size_t B)
    {
        const std::size_t f = data_.features();
        double maxval = 0.0;
        for (std::size_t b = 0; b < B; ++b) {
            std::uint64_t r = rng_.bits();
            const bool cls = (r & 1) != 0;
            const BoundedDraw& draw = cls ? class1_ : class0_;
            std::uint64_t i = 0;
            while (!draw.map(r >> 1, i))
                r = rng_.bits();
            const std::size_t s = (cls ? data_.class_split : 0) + i;
            picks_[b] = s;
            const double* x = &data_.x[s * f];
            for (std::size_t k = 0; k < f; ++k)
                maxval = std::max(maxval, x[k]);
        }
        return maxval;
    }

    template <int Stream, class T>
    void write(std::size_t B, double maxval, std::span<T* const> in, std::span<T* const> out) const
    {
        const std::size_t f = data_.features();
        const double scale = maxval > 0.0 ? maxval : 1.0;
        const double inverse = 1.0 / scale;
        for (std::size_t b = 0; b < B; ++b) {
            const double* x = &data_.x[picks_[b] * f];
            for (std::size_t k = 0; k < f; ++k) {
                if constexpr (Stream == 1)
                    in[k][b] = static_cast<T>(x[k] / scale);
                else
                    in[k][b] = static_cast<T>(x[k] == scale ? 1.0 : x[k] * inverse);
            }
            for (std::size_t o = 0; o < out.size(); ++o)
                out[o][b] = static_cast<T>(data_.y[picks_[b]]);
        }
    }

    const Dataset& data_;
    Rng rng_;
    std::vector<std::size_t> picks_;
    BoundedDraw class0_, class1_; // sample draws within class 0 and class 1 (stream 2)
    int stream_ = 2;
};

// Shuffled epochs: a permutation of all samples, consumed in order, reshuffled when used up.
class EpochSampler final : public SamplerBase<EpochSampler> {
public:
    EpochSampler(const Dataset& d, std::uint64_t seed) : data_(d), rng_(seed), order_(d.samples)
    {
        if (d.samples == 0)
            throw Error("the dataset is empty");
        std::iota(order_.begin(), order_.end(), std::size_t{0});
        shuffle();
    }

    template <class T>
    void fill(std::size_t B, std::span<T* const> in, std::span<T* const> out)
    {
        const std::size_t f = data_.features();
        const std::size_t l = data_.labels();
        last_batch_ = B;
        for (std::size_t b = 0; b < B; ++b) {
            if (next_ == order_.size())
                shuffle();
            const std::size_t s = order_[next_++];
            for (std::size_t k = 0; k < f && k < in.size(); ++k)
                in[k][b] = static_cast<T>(data_.x[s * f + k]);
            for (std::size_t o = 0; o < out.size() && o < l; ++o)
                out[o][b] = static_cast<T>(data_.y[s * l + o]);
        }
    }

    std::string save_state() const override
    {
        std::string s = rng_.save() + fmt::format("\n{}", next_);
        for (std::size_t i : order_)
            s += fmt::format(" {}", i);
        return s;
    }
    // Sample b of the last batch, unless a reshuffle came between it and the end of the batch.
    std::string describe_sample(std::size_t b) const override
    {
        if (b >= last_batch_ || next_ < last_batch_)
            return {};
        return describe_row(data_, order_[next_ - last_batch_ + b]);
    }

    void restore_state(const std::string& state) override
    {
        const auto nl = state.find('\n');
        if (nl == std::string::npos)
            throw Error("epoch sampler state is malformed");
        Rng rng;
        rng.restore(state.substr(0, nl));
        std::istringstream in(state.substr(nl + 1));
        std::size_t next = 0;
        std::vector<std::size_t> order(order_.size());
        in >> next;
        for (auto& i : order)
            in >> i;
        if (!in || next > order.size())
            throw Error("epoch sampler state is malformed");
        for (std::size_t i : order)
            if (i >= data_.samples)
                throw Error("epoch sampler state is malformed");
        rng_ = rng;
        next_ = next;
        order_ = std::move(order);
    }

private:
    void shuffle()
    {
        for (std::size_t i = order_.size(); i > 1; --i)
            std::swap(order_[i - 1], order_[rng_.below(i)]);
        next_ = 0;
    }

    const Dataset& data_;
    Rng rng_;
    std::vector<std::size_t> order_;
    std::size_t next_ = 0;
    std::size_t last_batch_ = 0; // size of the last batch drawn (for describe_sample)
};

} // namespace

std::unique_ptr<Sampler> make_cgp_sampler(const Dataset& data, std::uint64_t seed, std::size_t batch_size)
{
    return std::make_unique<CgpSampler>(data, seed, batch_size);
}

std::unique_ptr<Sampler> make_epoch_sampler(const Dataset& data, std::uint64_t seed)
{
    return std::make_unique<EpochSampler>(data, seed);
}

} // namespace cgp
