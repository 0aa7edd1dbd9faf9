// Checkpoints: exact resume for every plugin in f32 and f64, and every refusal (model, optimizer,
// dtype, data, truncation, flipped bytes, future format, foreign file).
#include <cgp/training/checkpoint.hpp>
#include <cgp/io/error.hpp>
#include <cgp/training/experiment.hpp>
#include <cgp/training/observers.hpp>

#include <boost/test/unit_test.hpp>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <unistd.h>

using namespace cgp;
namespace fs = std::filesystem;

namespace {

const fs::path kPlugins = CGP_PLUGIN_DIR;

std::unique_ptr<Experiment> experiment(const char* plugin, Dtype dtype, std::uint64_t iterations,
                                       const ModelSpec& model = preset_model("multi-neuron"), std::uint64_t seed = 0)
{
    const auto p = Plugin::load(kPlugins / (std::string(plugin) + ".so"));
    RunSettings s;
    s.iterations = iterations;
    s.dtype = dtype;
    s.seed = seed;
    std::vector<double> hp = p->defaults();
    hp[0] = 0.05; // a learning rate that moves every plugin visibly
    return std::make_unique<Experiment>(model, DataChoice{}, p, hp, s);
}

std::string resume_error(Experiment& ex, const Checkpoint& c)
{
    try {
        ex.resume(c, "ck.bin");
    } catch (const Error& e) {
        return e.what();
    }
    BOOST_FAIL("resumed");
    return {};
}

std::string parse_error(const std::vector<std::uint8_t>& bytes)
{
    try {
        parse_checkpoint(bytes, "ck.bin");
    } catch (const Error& e) {
        return e.what();
    }
    BOOST_FAIL("parsed");
    return {};
}

bool contains(const std::string& s, const std::string& part)
{
    return s.find(part) != std::string::npos;
}

} // namespace

BOOST_AUTO_TEST_SUITE(checkpoints)

BOOST_AUTO_TEST_CASE(resume_is_bitwise_exact_for_every_plugin_in_f32_and_f64)
{
    for (const char* plugin : {"sgd", "sgdplus", "adam"}) {
        for (Dtype dtype : {Dtype::F32, Dtype::F64}) {
            // Stop in the middle of a loss window (1037) as well as on its boundary (1000).
            for (std::uint64_t split : {1000u, 1037u}) {
                auto straight = experiment(plugin, dtype, 2000);
                straight->run({});
                auto first = experiment(plugin, dtype, split);
                first->run({});
                // Through the file format, as a real resume would.
                const Checkpoint saved = parse_checkpoint(serialize_checkpoint(first->checkpoint()), "memory");
                auto second = experiment(plugin, dtype, 2000);
                BOOST_TEST(second->resume(saved, "memory").empty());
                second->run({});
                const Checkpoint a = straight->checkpoint(), b = second->checkpoint();
                BOOST_TEST_CONTEXT(plugin << " " << to_string(dtype) << " split " << split)
                {
                    BOOST_TEST(a.params == b.params);
                    BOOST_TEST(a.state == b.state);
                    BOOST_TEST(a.loop.iteration == b.loop.iteration);
                    BOOST_REQUIRE(a.loop.records.size() == b.loop.records.size());
                    for (std::size_t i = 0; i < a.loop.records.size(); ++i) {
                        BOOST_TEST(a.loop.records[i].loss == b.loop.records[i].loss);
                        BOOST_TEST(a.loop.records[i].iteration == b.loop.records[i].iteration);
                    }
                }
            }
        }
    }
}

BOOST_AUTO_TEST_CASE(serialization_round_trips)
{
    auto ex = experiment("adam", Dtype::F64, 300);
    ex->run({});
    const Checkpoint c = ex->checkpoint();
    const std::vector<std::uint8_t> bytes = serialize_checkpoint(c);
    BOOST_TEST(serialize_checkpoint(parse_checkpoint(bytes, "m")) == bytes);
}

BOOST_AUTO_TEST_CASE(resume_refuses_another_model_optimizer_dtype_or_data)
{
    auto ex = experiment("adam", Dtype::F32, 200);
    ex->run({});
    const Checkpoint c = ex->checkpoint();
    auto other_model = experiment("adam", Dtype::F32, 400, preset_model("one-neuron"));
    BOOST_TEST(contains(resume_error(*other_model, c), "it was written for model 'multi-neuron'"));
    auto other_plugin = experiment("sgd", Dtype::F32, 400);
    BOOST_TEST(contains(resume_error(*other_plugin, c), "written with optimizer adam 1.0.0, this run uses sgd 1.0.0"));
    auto other_dtype = experiment("adam", Dtype::F64, 400);
    BOOST_TEST(contains(resume_error(*other_dtype, c), "it holds f32 values, this run uses --dtype f64"));
    auto other_data = experiment("adam", Dtype::F32, 400, preset_model("multi-neuron"), 7);
    BOOST_TEST(contains(resume_error(*other_data, c), "it was trained on different data"));
}

BOOST_AUTO_TEST_CASE(changed_hyperparameters_are_allowed_and_reported)
{
    auto ex = experiment("sgdplus", Dtype::F32, 200);
    ex->run({});
    Checkpoint c = ex->checkpoint();
    c.hparams[0].second = 0.01;
    auto next = experiment("sgdplus", Dtype::F32, 400);
    const auto notes = next->resume(c, "ck.bin");
    BOOST_REQUIRE(notes.size() == 1u);
    BOOST_TEST(notes[0] == "lr changed from 0.01 to 0.05");
}

BOOST_AUTO_TEST_CASE(damaged_files_are_refused_with_the_reason)
{
    auto ex = experiment("adam", Dtype::F32, 100);
    ex->run({});
    const std::vector<std::uint8_t> good = serialize_checkpoint(ex->checkpoint());
    // Every truncation is refused.
    for (std::size_t n = 0; n < good.size(); n += 1 + n / 8)
        BOOST_TEST_REQUIRE(!parse_error(std::vector<std::uint8_t>(good.begin(), good.begin() + n)).empty());
    BOOST_TEST(contains(parse_error({good.begin(), good.end() - 1}), "is truncated"));
    // Every single flipped byte is refused (the checksum covers everything after the magic).
    for (std::size_t i = 0; i < good.size(); ++i) {
        std::vector<std::uint8_t> bad = good;
        bad[i] ^= 0x10;
        BOOST_TEST_REQUIRE(!parse_error(bad).empty(), "byte " << i);
    }
    std::vector<std::uint8_t> flipped = good;
    flipped[good.size() / 2] ^= 1;
    BOOST_TEST(contains(parse_error(flipped), "checksum mismatch"));
    std::vector<std::uint8_t> future = good;
    future[8] = 9;
    BOOST_TEST(contains(parse_error(future), "format version 9, newer than this cgp reads (5)"));
    BOOST_TEST(contains(parse_error({'h', 'e', 'l', 'l', 'o'}), "is not a cgp checkpoint"));
    std::vector<std::uint8_t> trailing = good;
    trailing.push_back(0);
    BOOST_TEST(contains(parse_error(trailing), "trailing data"));
}

BOOST_AUTO_TEST_CASE(a_checkpoint_of_a_million_row_csv_run_loads_and_resumes_exactly)
{
    // The shuffled-epoch sampler's state holds the order of every row: megabytes of it here.
    const fs::path dir = fs::temp_directory_path() / ("cgp-ck-big-" + std::to_string(::getpid()));
    fs::create_directories(dir);
    const fs::path csv = dir / "big.csv";
    {
        std::FILE* f = std::fopen(csv.c_str(), "w");
        BOOST_REQUIRE(f != nullptr);
        std::fputs("a,y\n", f);
        for (int i = 0; i < 1'000'000; ++i)
            std::fprintf(f, "%d,%d\n", i % 7, i % 2);
        BOOST_REQUIRE(std::fclose(f) == 0);
    }
    const auto p = Plugin::load(kPlugins / "sgd.so");
    DataChoice data;
    data.source = csv.string();
    data.labels = {"y"};
    const ModelSpec model = expr_model({"xo = p*a"});
    std::vector<double> hp = p->defaults();
    hp[static_cast<std::size_t>(p->find_hparam("lr"))] = 0.001;
    const auto run = [&](std::uint64_t iterations, const fs::path& checkpoint, const Checkpoint* from) {
        RunSettings s;
        s.iterations = iterations;
        s.checkpoint.path = checkpoint;
        Experiment ex(model, data, p, hp, s);
        if (from != nullptr)
            ex.resume(*from, "big.ckpt");
        return ex.run({});
    };
    const TrainSummary straight = run(300, {}, nullptr);
    run(150, dir / "big.ckpt", nullptr);
    BOOST_TEST(fs::file_size(dir / "big.ckpt") > (1u << 20));
    const Checkpoint saved = read_checkpoint(dir / "big.ckpt");
    BOOST_TEST(saved.loop.iteration == 150u);
    const TrainSummary resumed = run(300, {}, &saved);
    BOOST_TEST(resumed.final_loss == straight.final_loss);
    fs::remove_all(dir);
}

BOOST_AUTO_TEST_CASE(early_stop_state_is_saved_so_a_split_run_stops_where_the_straight_one_does)
{
    const fs::path dir = fs::temp_directory_path() / ("cgp-ck-early-" + std::to_string(::getpid()));
    fs::create_directories(dir);
    const auto p = Plugin::load(kPlugins / "adam.so");
    std::vector<double> hp = p->defaults();
    hp[static_cast<std::size_t>(p->find_hparam("lr"))] = 1e-2;
    const auto run = [&](std::uint64_t iterations, const Checkpoint* from, const fs::path& save) {
        RunSettings s;
        s.iterations = iterations;
        s.checkpoint.path = save;
        Experiment ex(preset_model("multi-neuron"), DataChoice{}, p, hp, s);
        EarlyStop stop(3, 1e-3);
        std::vector<TrainObserver*> observers{&stop};
        if (from != nullptr) {
            ex.resume(*from, "early.ckpt");
            BOOST_TEST(restore_observers(*from, observers).empty());
        }
        return ex.run(observers);
    };
    const TrainSummary straight = run(20000, nullptr, {});
    BOOST_REQUIRE((straight.reason == StopReason::Observer));
    // Split after the early stop has seen several records without improvement.
    const std::uint64_t split = straight.iterations - 150;
    run(split, nullptr, dir / "early.ckpt");
    const Checkpoint saved = read_checkpoint(dir / "early.ckpt");
    BOOST_REQUIRE(saved.observers.size() == 1u);
    BOOST_TEST(saved.observers[0].first == "early-stop");
    const TrainSummary resumed = run(20000, &saved, {});
    BOOST_TEST((resumed.reason == StopReason::Observer));
    BOOST_TEST(resumed.iterations == straight.iterations);
    BOOST_TEST(resumed.final_loss == straight.final_loss);
    fs::remove_all(dir);
}

BOOST_AUTO_TEST_CASE(format_1_files_still_load_and_their_observers_start_afresh)
{
    auto ex = experiment("adam", Dtype::F32, 100);
    ex->run({});
    Checkpoint old = ex->checkpoint();
    old.format = 1;
    const std::vector<std::uint8_t> bytes = serialize_checkpoint(old);
    const Checkpoint c = parse_checkpoint(bytes, "old.ckpt");
    BOOST_TEST(c.format == 1u);
    BOOST_TEST(c.loop.iteration == 100u);
    BOOST_TEST(serialize_checkpoint(c) == bytes);
    EarlyStop stop(3, 0.0);
    std::vector<TrainObserver*> observers{&stop};
    const auto notes = restore_observers(c, observers);
    BOOST_REQUIRE(notes.size() == 1u);
    BOOST_TEST(notes[0] == "the checkpoint holds no early-stop state (written by an older cgp); it starts afresh");
}

BOOST_AUTO_TEST_CASE(a_malformed_observer_state_is_refused)
{
    EarlyStop stop(3, 0.0);
    BOOST_CHECK_THROW(stop.restore_state("0x1p+0 2 5"), Error);
    BOOST_CHECK_THROW(stop.restore_state("zz 1 5"), Error);
    BOOST_CHECK_THROW(stop.restore_state(""), Error);
    stop.restore_state("0x1.8p+0 1 2");
    BOOST_TEST(stop.save_state() == "0x1.8p+0 1 2");
}

BOOST_AUTO_TEST_CASE(checkpoint_files_are_replaced_atomically)
{
    const fs::path dir = fs::temp_directory_path() / ("cgp-ck-" + std::to_string(::getpid()));
    fs::create_directories(dir);
    auto ex = experiment("adam", Dtype::F32, 100);
    ex->run({});
    write_checkpoint(dir / "ck.bin", ex->checkpoint());
    write_checkpoint(dir / "ck.bin", ex->checkpoint());
    BOOST_TEST(read_checkpoint(dir / "ck.bin").loop.iteration == 100u);
    // Nothing but the checkpoint is left in the folder.
    BOOST_TEST(std::distance(fs::directory_iterator(dir), fs::directory_iterator{}) == 1);
    fs::remove_all(dir);
}

BOOST_AUTO_TEST_SUITE_END()
