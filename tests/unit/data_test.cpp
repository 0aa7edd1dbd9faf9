// Data: CGP's generator statistics, CGP's sampler, shuffled epochs, and the CSV loader's errors.
#include <cgp/data/bounded_draw.hpp>
#include <cgp/data/data.hpp>
#include <cgp/io/error.hpp>

#include <boost/test/unit_test.hpp>

#include <cctype>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <random>
#include <set>
#include <unistd.h>

using namespace cgp;
namespace fs = std::filesystem;

namespace {

__extension__ typedef unsigned __int128 u128;

struct Stats {
    double mean = 0, sd = 0;
};

Stats stats(const Dataset& d, std::size_t first, std::size_t count)
{
    double sum = 0, sq = 0;
    const std::size_t f = d.features();
    for (std::size_t s = first; s < first + count; ++s)
        for (std::size_t k = 0; k < f; ++k) {
            sum += d.x[s * f + k];
            sq += d.x[s * f + k] * d.x[s * f + k];
        }
    const double n = static_cast<double>(count * f);
    const double mean = sum / n;
    return {mean, std::sqrt(sq / n - mean * mean)};
}

// A temporary CSV file, removed at the end of the test.
struct TempCsv {
    fs::path path;
    explicit TempCsv(const std::string& text, const std::string& name = "data.csv")
        : path(fs::temp_directory_path() / ("cgp-test-" + std::to_string(::getpid()) + "-" + name))
    {
        std::ofstream(path) << text;
    }
    ~TempCsv() { fs::remove(path); }
};

std::string csv_error(const TempCsv& f, std::vector<std::string> labels = {"y"})
{
    try {
        load_csv(f.path, {labels, false});
    } catch (const Error& e) {
        return e.what();
    }
    BOOST_FAIL("no error");
    return {};
}

} // namespace

BOOST_AUTO_TEST_SUITE(data)

BOOST_AUTO_TEST_CASE(generator_draws_cgp_classes_n_2_1_and_n_4_2_squared)
{
    Rng rng(42);
    const Dataset d = generate_cgp_data(100000, 4, rng);
    BOOST_TEST(d.samples == 100000u);
    BOOST_TEST(d.class_split == 50000u);
    const Stats c0 = stats(d, 0, 50000), c1 = stats(d, 50000, 50000);
    // Standard errors: 1/sqrt(200000) ~ 0.0022 and 2/sqrt(200000) ~ 0.0045; allow about 5 of them.
    BOOST_TEST(c0.mean == 2.0, boost::test_tools::tolerance(0.006));
    BOOST_TEST(c0.sd == 1.0, boost::test_tools::tolerance(0.01));
    BOOST_TEST(c1.mean == 4.0, boost::test_tools::tolerance(0.006));
    BOOST_TEST(c1.sd == 2.0, boost::test_tools::tolerance(0.01));
    BOOST_TEST(d.y[0] == 0.0);
    BOOST_TEST(d.y[99999] == 1.0);
}

BOOST_AUTO_TEST_CASE(generator_is_reproducible_from_its_seed)
{
    Rng a(7), b(7), c(8);
    BOOST_TEST(generate_cgp_data(10, 3, a).x == generate_cgp_data(10, 3, b).x);
    BOOST_TEST(generate_cgp_data(10, 3, a).x != generate_cgp_data(10, 3, c).x);
}

BOOST_AUTO_TEST_CASE(cgp_sampler_normalizes_each_batch_to_max_one_and_picks_classes_fairly)
{
    Rng rng(1);
    const Dataset d = generate_cgp_data(5000, 4, rng);
    const std::size_t B = 8;
    auto sampler = make_cgp_sampler(d, 3, B);
    std::vector<std::vector<double>> cols(4, std::vector<double>(B)), targets(1, std::vector<double>(B));
    std::vector<double*> in, out;
    for (auto& c : cols)
        in.push_back(c.data());
    out.push_back(targets[0].data());
    double ones = 0;
    const int batches = 20000;
    for (int i = 0; i < batches; ++i) {
        sampler->next(B, in, out);
        double mx = -INFINITY;
        for (auto& c : cols)
            for (double v : c)
                mx = std::max(mx, v);
        BOOST_TEST_REQUIRE(mx == 1.0);
        for (double t : targets[0]) {
            BOOST_TEST_REQUIRE((t == 0.0 || t == 1.0));
            ones += t;
        }
    }
    // Binomial(160000, 1/2): standard deviation 0.00125 of the share.
    BOOST_TEST(ones / (batches * B) == 0.5, boost::test_tools::tolerance(0.01));
}

BOOST_AUTO_TEST_CASE(cgp_sampler_state_restores_the_exact_sequence)
{
    Rng rng(1);
    const Dataset d = generate_cgp_data(100, 2, rng);
    auto a = make_cgp_sampler(d, 9, 4);
    std::vector<double> x0(4), x1(4), y(4), z0(4), z1(4), w(4);
    std::vector<double*> in{x0.data(), x1.data()}, out{y.data()}, in2{z0.data(), z1.data()}, out2{w.data()};
    a->next(4, in, out);
    const std::string state = a->save_state();
    a->next(4, in, out);
    auto b = make_cgp_sampler(d, 1234, 4);
    b->restore_state(state);
    b->next(4, in2, out2);
    BOOST_TEST(x0 == z0);
    BOOST_TEST(y == w);
}

BOOST_AUTO_TEST_CASE(bounded_draw_accepts_equally_many_63_bit_words_for_every_value)
{
    // Exact counting in 128-bit arithmetic: value v is the result for the words x with x * n in
    // [v 2^63 + t, (v + 1) 2^63), t = 2^63 mod n; each such interval must hold floor(2^63 / n) multiples
    // of n, and the words at the interval's ends must map (or be rejected) as that says.
    const u128 two63 = u128{1} << 63;
    for (std::uint64_t n : {1ull, 2ull, 3ull, 7ull, 1000ull, 2500ull, 4999ull, (1ull << 40) + 17}) {
        const BoundedDraw draw(n);
        const u128 t = two63 % n;
        for (std::uint64_t v : {std::uint64_t{0}, n / 2, n - 1}) {
            const u128 lo = v * two63 + t, hi = (v + 1) * two63 - 1;
            const u128 count = hi / n - (lo + n - 1) / n + 1;
            BOOST_TEST_REQUIRE((count == two63 / n), "n " << n << " value " << v);
            const auto first = static_cast<std::uint64_t>((lo + n - 1) / n), last = static_cast<std::uint64_t>(hi / n);
            std::uint64_t out = ~std::uint64_t{0};
            BOOST_TEST_REQUIRE(draw.map(first, out));
            BOOST_TEST(out == v);
            BOOST_TEST_REQUIRE(draw.map(last, out));
            BOOST_TEST(out == v);
            if (first > 0 && draw.map(first - 1, out))
                BOOST_TEST(out + 1 == v);
        }
    }
    std::uint64_t out = 0;
    BOOST_TEST(!BoundedDraw(3).map(0, out)); // 0 * 3 falls in the rejected remainder 2^63 mod 3 = 2
    BOOST_TEST(BoundedDraw(4).map(0, out));  // 2^63 mod 4 = 0: nothing is rejected
}

namespace {

// Column buffers for a batch of B from data with f features, and the expected values.
struct Batch {
    std::vector<std::vector<double>> cols, targets;
    std::vector<double*> in, out;
    Batch(std::size_t f, std::size_t B) : cols(f, std::vector<double>(B)), targets(1, std::vector<double>(B))
    {
        for (auto& c : cols)
            in.push_back(c.data());
        out.push_back(targets[0].data());
    }
};

// CGP's sampler's stream 1 and stream 2 written out independently, with the engine itself.
template <int Stream>
Batch expected_batch(const Dataset& d, std::mt19937_64& e, std::size_t B)
{
    auto below = [&](std::uint64_t n) {
        const std::uint64_t limit = UINT64_MAX - UINT64_MAX % n;
        std::uint64_t r;
        do
            r = e();
        while (r >= limit);
        return r % n;
    };
    const std::size_t f = d.features(), half = d.class_split, other = d.samples - d.class_split;
    std::vector<std::size_t> picks;
    double mx = 0;
    for (std::size_t b = 0; b < B; ++b) {
        std::size_t s;
        if constexpr (Stream == 1) {
            const bool cls = below(2) == 1;
            s = cls ? half + below(other) : below(half);
        } else {
            const std::uint64_t r = e();
            const std::uint64_t n = (r & 1) != 0 ? other : half;
            s = ((r & 1) != 0 ? half : 0) +
                static_cast<std::size_t>((static_cast<u128>(r >> 1) * n) >> 63); // rejection: p < 1e-15
        }
        picks.push_back(s);
        for (std::size_t k = 0; k < f; ++k)
            mx = std::max(mx, d.x[s * f + k]);
    }
    Batch out(f, B);
    for (std::size_t b = 0; b < B; ++b) {
        for (std::size_t k = 0; k < f; ++k) {
            const double x = d.x[picks[b] * f + k];
            out.cols[k][b] = Stream == 1 ? x / mx : (x == mx ? 1.0 : x * (1.0 / mx));
        }
        out.targets[0][b] = d.y[picks[b]];
    }
    return out;
}

// Draws `batches` batches of 8 from the sampler, each required to equal the stream's own.
template <int Stream>
void require_stream(Sampler& sampler, const Dataset& d, std::mt19937_64& e, int batches)
{
    Batch got(d.features(), 8);
    for (int i = 0; i < batches; ++i) {
        const Batch want = expected_batch<Stream>(d, e, 8);
        sampler.next(8, got.in, got.out);
        BOOST_TEST_REQUIRE((got.cols == want.cols));
        BOOST_TEST_REQUIRE((got.targets == want.targets));
    }
}

} // namespace

BOOST_AUTO_TEST_CASE(cgp_sampler_draws_stream_2_one_word_per_sample_and_scales_by_the_reciprocal)
{
    Rng rng(1);
    const Dataset d = generate_cgp_data(5000, 3, rng);
    auto sampler = make_cgp_sampler(d, 42, 8);
    BOOST_TEST(sampler->save_state().rfind("v2 ", 0) == 0);
    std::mt19937_64 e(42);
    require_stream<2>(*sampler, d, e, 200);
}

BOOST_AUTO_TEST_CASE(cgp_sampler_state_of_stream_1_resumes_with_stream_1s_draws_and_stays_stream_1)
{
    // A state without a stream tag, as checkpoints written before stream 2 hold it.
    Rng rng(1);
    const Dataset d = generate_cgp_data(5000, 3, rng);
    auto sampler = make_cgp_sampler(d, 1, 8);
    sampler->restore_state(Rng(7).save());
    std::mt19937_64 e(7);
    require_stream<1>(*sampler, d, e, 100);
    const std::string state = sampler->save_state();
    BOOST_TEST(std::isdigit(static_cast<unsigned char>(state[0])));
    auto resumed = make_cgp_sampler(d, 1, 8);
    resumed->restore_state(state);
    require_stream<1>(*resumed, d, e, 10);
}

BOOST_AUTO_TEST_CASE(cgp_sampler_refuses_a_state_of_an_unknown_stream_naming_it)
{
    Rng rng(1);
    const Dataset d = generate_cgp_data(100, 2, rng);
    auto sampler = make_cgp_sampler(d, 1, 4);
    try {
        sampler->restore_state("v3 " + Rng(7).save());
        BOOST_FAIL("a stream-3 state was accepted");
    } catch (const Error& e) {
        const std::string what = e.what();
        BOOST_TEST(what.find("'v3'") != std::string::npos);
        BOOST_TEST(what.find("hint:") != std::string::npos);
    }
}

BOOST_AUTO_TEST_CASE(epoch_sampler_visits_every_sample_once_per_epoch)
{
    Dataset d;
    d.origin = "test";
    d.feature_names = {"a"};
    d.label_names = {"y"};
    d.samples = 10;
    for (int i = 0; i < 10; ++i) {
        d.x.push_back(i);
        d.y.push_back(100 + i);
    }
    auto s = make_epoch_sampler(d, 5);
    std::vector<double> x(5), y(5);
    std::vector<double*> in{x.data()}, out{y.data()};
    for (int epoch = 0; epoch < 3; ++epoch) {
        std::multiset<double> seen;
        for (int half = 0; half < 2; ++half) {
            s->next(5, in, out);
            for (int b = 0; b < 5; ++b) {
                seen.insert(x[b]);
                BOOST_TEST(y[b] == x[b] + 100);
            }
        }
        BOOST_TEST(seen.size() == 10u);
        BOOST_TEST(std::set<double>(seen.begin(), seen.end()).size() == 10u);
    }
}

BOOST_AUTO_TEST_CASE(csv_loads_features_labels_and_standardizes)
{
    TempCsv f("a, b ,y\n1,2,0\n3,4,1\n\n5,6,1\n");
    const Dataset d = load_csv(f.path, {{"y"}, false});
    BOOST_TEST(d.samples == 3u);
    BOOST_TEST((d.feature_names == std::vector<std::string>{"a", "b"}));
    BOOST_TEST((d.x == std::vector<double>{1, 2, 3, 4, 5, 6}));
    BOOST_TEST((d.y == std::vector<double>{0, 1, 1}));
    const Dataset z = load_csv(f.path, {{"y"}, true});
    BOOST_TEST(z.x[0] == -std::sqrt(1.5), boost::test_tools::tolerance(1e-12));
    BOOST_TEST(z.x[2] + z.x[4] + z.x[0] == 0.0, boost::test_tools::tolerance(1e-12));
}

BOOST_AUTO_TEST_CASE(csv_errors_name_the_file_and_line)
{
    const std::string missing = (fs::temp_directory_path() / "cgp-no-such-file.csv").string();
    try {
        load_csv(missing, {{"y"}, false});
        BOOST_FAIL("loaded a missing file");
    } catch (const Error& e) {
        BOOST_TEST(std::string(e.what()).find("cannot open CSV file '" + missing + "'") != std::string::npos);
    }
    TempCsv ragged("a,b,y\n1,2,0\n3,4\n", "ragged.csv");
    BOOST_TEST(csv_error(ragged).rfind(ragged.path.string() + ":3:1: error: row has 2 cells, the header has 3", 0) ==
               0);
    TempCsv text("a,b,y\n1,2,0\n3,abc,1\n", "text.csv");
    BOOST_TEST(csv_error(text).rfind(
                   text.path.string() + ":3:3: error: cell 'abc' in column 'b' is not a finite number", 0) == 0);
    TempCsv nolabel("a,b,c\n1,2,0\n", "nolabel.csv");
    const std::string e = csv_error(nolabel);
    BOOST_TEST(e.rfind(nolabel.path.string() + ":1:1: error: no column named 'y'", 0) == 0);
    BOOST_TEST(e.find("columns are: a, b, c") != std::string::npos);
    TempCsv empty("", "empty.csv");
    BOOST_TEST(csv_error(empty).find("the file is empty") != std::string::npos);
    TempCsv header_only("a,y\n", "header.csv");
    BOOST_TEST(csv_error(header_only).find("no data rows") != std::string::npos);
    TempCsv inf("a,y\n1e999,0\n", "inf.csv");
    BOOST_TEST(csv_error(inf).find("is not a finite number") != std::string::npos);
}

BOOST_AUTO_TEST_SUITE_END()
