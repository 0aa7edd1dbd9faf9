// CGP's two-class generator: class 0 ~ N(2, 1), class 1 ~ N(4, 2^2) in every input, half each.
#include <cgp/data/data.hpp>
#include <cgp/io/error.hpp>

#include <fmt/format.h>

#include <cmath>

namespace cgp {

Dataset generate_cgp_data(std::size_t dataset_size, std::size_t dimension, Rng& rng)
{
    if (dataset_size < 2)
        throw Error("the generated dataset needs at least 2 samples (--dataset-size)");
    if (dimension == 0)
        throw Error("the model has no inputs, so there is nothing to generate data for");
    const std::size_t per_class = dataset_size / 2;
    Dataset d;
    d.origin = "generated";
    for (std::size_t k = 0; k < dimension; ++k)
        d.feature_names.push_back(fmt::format("x{}", k));
    d.label_names = {"class"};
    d.samples = 2 * per_class;
    d.class_split = per_class;
    d.x.resize(d.samples * dimension);
    d.y.resize(d.samples);
    for (std::size_t i = 0; i < per_class; ++i) {
        double* c0 = &d.x[i * dimension];
        double* c1 = &d.x[(per_class + i) * dimension];
        for (std::size_t k = 0; k < dimension; ++k)
            c0[k] = rng.normal() + 2.0;
        for (std::size_t k = 0; k < dimension; ++k)
            c1[k] = 2.0 * rng.normal() + 4.0;
        d.y[i] = 0.0;
        d.y[per_class + i] = 1.0;
    }
    return d;
}

} // namespace cgp
