#include "app/cli/BenchCommand.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iomanip>
#include <iostream>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#ifdef _WIN32
#ifndef NOMINMAX
#define NOMINMAX
#endif
#ifndef WIN32_LEAN_AND_MEAN
#define WIN32_LEAN_AND_MEAN
#endif
#include <windows.h>

#include "core/common/WindowsProcess.h"
#else
#include <fcntl.h>
#include <spawn.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#endif

#include <QDir>
#include <QTemporaryDir>

#include <dcmtk/config/osconfig.h>
#include <dcmtk/dcmdata/dcdeftag.h>
#include <dcmtk/dcmdata/dcfilefo.h>
#include <dcmtk/dcmimgle/dcmimage.h>

#include "app/cli/CommandOptions.h"
#include "core/dicom/DicomLibrary.h"
#include "core/study/DicomImageReader.h"
#include "core/study/DisplayPipeline.h"
#include "core/study/SyntheticRadiograph.h"
#include "imaging/DisplayFrameWriter.h"

#ifndef _WIN32
extern char** environ;
#endif

namespace lrclr::cli {

namespace {

using Clock = std::chrono::steady_clock;

double millisecondsSince(Clock::time_point start)
{
    return std::chrono::duration<double, std::milli>(Clock::now() - start).count();
}

/// CPU time of this process (all threads), in ms: robust against other processes competing for the cores.
#ifdef _WIN32
/// User + kernel time of a process from GetProcessTimes, in ms (FILETIMEs count 100 ns).
double cpuMillisecondsOf(HANDLE process)
{
    FILETIME created {}, exited {}, kernel {}, user {};
    if (!::GetProcessTimes(process, &created, &exited, &kernel, &user))
        return 0.0;
    const auto ticks = [](const FILETIME& time) {
        return (static_cast<std::uint64_t>(time.dwHighDateTime) << 32) | time.dwLowDateTime;
    };
    return static_cast<double>(ticks(kernel) + ticks(user)) / 1e4;
}
#endif

double processCpuMilliseconds()
{
#ifdef _WIN32
    return cpuMillisecondsOf(::GetCurrentProcess());
#else
    timespec now {};
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &now);
    return now.tv_sec * 1e3 + now.tv_nsec / 1e6;
#endif
}

/// Wall-clock and CPU time of one measurement, in ms.
struct Timing {
    double wall = -1.0;
    double cpu = -1.0;
};

double median(std::vector<double> values)
{
    std::sort(values.begin(), values.end());
    return values.empty() ? 0.0 : values[values.size() / 2];
}

/// Runs a program with stdout/stderr to /dev/null; returns its exit status (-1 when it could not start) and stores the
/// child's user + system CPU time in `cpuMilliseconds`.
int runQuietly(const std::vector<std::string>& command, double* cpuMilliseconds = nullptr)
{
#ifdef _WIN32
    // CreateProcessW searches PATH (adding .exe) for the first word, as posix_spawnp does; output goes to NUL.
    SECURITY_ATTRIBUTES inheritable { sizeof(SECURITY_ATTRIBUTES), nullptr, TRUE };
    HANDLE discard = ::CreateFileW(L"NUL", GENERIC_WRITE, FILE_SHARE_READ | FILE_SHARE_WRITE, &inheritable,
        OPEN_EXISTING, FILE_ATTRIBUTE_NORMAL, nullptr);
    if (discard == INVALID_HANDLE_VALUE)
        return -1;
    std::wstring line = windows::commandLine(command);
    STARTUPINFOW startup {};
    startup.cb = sizeof startup;
    startup.dwFlags = STARTF_USESTDHANDLES;
    startup.hStdInput = ::GetStdHandle(STD_INPUT_HANDLE);
    startup.hStdOutput = discard;
    startup.hStdError = discard;
    PROCESS_INFORMATION child {};
    const bool started
        = ::CreateProcessW(nullptr, line.data(), nullptr, nullptr, TRUE, 0, nullptr, nullptr, &startup, &child);
    ::CloseHandle(discard);
    if (!started)
        return -1;
    ::CloseHandle(child.hThread);
    ::WaitForSingleObject(child.hProcess, INFINITE);
    if (cpuMilliseconds)
        *cpuMilliseconds = cpuMillisecondsOf(child.hProcess);
    DWORD exitCode = 0;
    const bool exited = ::GetExitCodeProcess(child.hProcess, &exitCode) != 0;
    ::CloseHandle(child.hProcess);
    return exited ? static_cast<int>(exitCode) : -1;
#else
    std::vector<char*> argv;
    for (const auto& argument : command)
        argv.push_back(const_cast<char*>(argument.c_str()));
    argv.push_back(nullptr);
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, "/dev/null", O_WRONLY, 0);
    posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, "/dev/null", O_WRONLY, 0);
    pid_t child = 0;
    const int started = posix_spawnp(&child, argv[0], &actions, nullptr, argv.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    if (started != 0)
        return -1;
    int status = 0;
    rusage usage {};
    wait4(child, &status, 0, &usage);
    if (cpuMilliseconds)
        *cpuMilliseconds = (usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) * 1e3
            + (usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e3;
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
#endif
}

/// Median wall and CPU time of `runs` runs after one warm-up run; negative when the command fails.
Timing timeProcess(const std::vector<std::string>& command, int runs)
{
    if (runQuietly(command) != 0)
        return {};
    std::vector<double> walls, cpus;
    for (int i = 0; i < runs; ++i) {
        const auto start = Clock::now();
        double cpu = 0.0;
        if (runQuietly(command, &cpu) != 0)
            return {};
        walls.push_back(millisecondsSince(start));
        cpus.push_back(cpu);
    }
    return { median(walls), median(cpus) };
}

/// What lrclr render does, in-process.
bool renderWithLrclr(const std::string& input, const std::string& output)
{
    DicomImageReader reader;
    XrayImage image;
    if (!reader.read(input, image))
        return false;
    DisplayPipeline pipeline(std::move(image));
    pipeline.setWindow(2048.0, 4096.0);
    return DisplayFrameWriter::write(pipeline.render(), QString::fromStdString(output));
}

/// What dcmj2pnm does, in-process: dcmimgle's DicomImage with the same window, written as raw 8-bit PGM.
bool renderWithDcmtk(const std::string& input, const std::string& output)
{
    DcmFileFormat file;
    if (file.loadFile(input.c_str()).bad())
        return false;
    DicomImage image(&file, file.getDataset()->getOriginalXfer(), CIF_DecompressCompletePixelData);
    if (image.getStatus() != EIS_Normal || !image.setWindow(2048.0, 4096.0))
        return false;
    std::unique_ptr<std::FILE, int (*)(std::FILE*)> out(std::fopen(output.c_str(), "wb"), &std::fclose);
    return out && image.writeRawPPM(out.get(), 8) != 0;
}

Timing timeInProcess(
    bool (*job)(const std::string&, const std::string&), const std::string& input, const std::string& output, int runs)
{
    if (!job(input, output))
        return {};
    std::vector<double> walls, cpus;
    for (int i = 0; i < runs; ++i) {
        const auto start = Clock::now();
        const double cpuStart = processCpuMilliseconds();
        if (!job(input, output))
            return {};
        cpus.push_back(processCpuMilliseconds() - cpuStart);
        walls.push_back(millisecondsSince(start));
    }
    return { median(walls), median(cpus) };
}

/// Largest difference between the pixels (the last `pixels` bytes) of two binary PGMs; -1 when not comparable.
int largestDifference(const std::string& first, const std::string& second, std::size_t pixels)
{
    std::ifstream a(first, std::ios::binary), b(second, std::ios::binary);
    const std::string left((std::istreambuf_iterator<char>(a)), {}), right((std::istreambuf_iterator<char>(b)), {});
    if (left.size() < pixels || right.size() < pixels)
        return -1;
    int worst = 0;
    const char* l = left.data() + (left.size() - pixels);
    const char* r = right.data() + (right.size() - pixels);
    for (std::size_t i = 0; i < pixels; ++i)
        worst = std::max(worst, std::abs(static_cast<unsigned char>(l[i]) - static_cast<unsigned char>(r[i])));
    return worst;
}

std::string loadAverage()
{
#ifdef _WIN32
    return "n/a (Windows has no load average)";
#else
    std::ifstream in("/proc/loadavg");
    std::string one, five, fifteen;
    in >> one >> five >> fifteen;
    return one + " " + five + " " + fifteen;
#endif
}

void printRow(const std::string& label, Timing ours, Timing theirs, const std::string& goal)
{
    std::cout << "  " << std::left << std::setw(34) << label << std::right << std::fixed << std::setprecision(1)
              << std::setw(9) << ours.cpu << std::setw(9) << theirs.cpu << std::setw(7) << std::setprecision(2)
              << (theirs.cpu > 0 ? ours.cpu / theirs.cpu : 0.0) << "x" << std::setprecision(1) << std::setw(9)
              << ours.wall << std::setw(9) << theirs.wall << std::setw(7) << std::setprecision(2)
              << (theirs.wall > 0 ? ours.wall / theirs.wall : 0.0) << "x  " << goal << '\n';
}

void printHeader(const std::string& title, const char* ours = "lrclr", const char* theirs = "DCMTK")
{
    std::cout << std::left << std::setw(36) << title << std::right << std::setw(9) << ours << std::setw(9) << theirs
              << std::setw(8) << "ratio" << std::setw(9) << ours << std::setw(9) << theirs << std::setw(8) << "ratio"
              << '\n'
              << std::setw(36) << "" << std::setw(26) << "CPU ms (primary)" << std::setw(26) << "wall ms" << '\n';
}

/// One compressed form of the benchmark image, and the DCMTK tool that renders it.
struct Case {
    std::string name;
    std::string file;
    std::vector<std::string> encoder;
    std::string dcmtkTool;
    std::string goal;
};

/// Writes the uncompressed image and its compressed copies (with DCMTK's encoders) into `folder`; returns the cases,
/// or an empty list after printing why not.
std::vector<Case> writeCases(const std::string& folder, int size)
{
    const std::string uncompressed = folder + "cr-uncompressed.dcm";
    if (const std::string error = SyntheticRadiograph::writeDicom(uncompressed, size); !error.empty()) {
        std::cerr << "lrclr bench: " << error << '\n';
        return {};
    }
    std::vector<Case> cases = {
        { "uncompressed", uncompressed, {}, "dcmj2pnm", "goal <= 0.50x" },
        { "RLE", folder + "cr-rle.dcm", { "dcmcrle" }, "dcmj2pnm", "goal <= 1.00x" },
        { "JPEG lossless SV1", folder + "cr-jpeg-lossless.dcm", { "dcmcjpeg" }, "dcmj2pnm", "goal <= 1.00x" },
        { "JPEG-LS lossless", folder + "cr-jpeg-ls.dcm", { "dcmcjpls" }, "dcml2pnm", "goal <= 1.00x" },
    };
    for (auto& c : cases) {
        if (c.encoder.empty())
            continue;
        std::vector<std::string> command = c.encoder;
        command.push_back(uncompressed);
        command.push_back(c.file);
        if (runQuietly(command) != 0) {
            std::cerr << "lrclr bench: " << c.encoder.front() << " failed (is dcmtk installed?)\n";
            return {};
        }
    }
    return cases;
}

/// `lrclr render` against the DCMTK tool, each as a process, with and without their start-up time.
void benchProcesses(const std::vector<Case>& cases, const std::string& folder, int size, int runs)
{
#ifdef _WIN32
    std::error_code error;
    const std::string self = windows::runningExecutable(error).string();
#else
    const std::string self = QFile::symLinkTarget(QStringLiteral("/proc/self/exe")).toStdString();
#endif
    const Timing ourStartup = timeProcess({ self, "--help" }, runs);
    const Timing dcmtkStartup = timeProcess({ "dcmj2pnm", "--version" }, runs);
    std::cout << "CPU time is the primary measure (the machine may be shared); wall time is shown too.\n\n";
    printHeader("Process start-up alone");
    printRow("lrclr --help vs dcmj2pnm --version", ourStartup, dcmtkStartup, "(Qt, DCMTK; no LibTorch)");
    std::cout << '\n';
    printHeader("Processes: file -> 8-bit PGM");
    for (const auto& c : cases) {
        const std::string ours = folder + "lrclr-" + std::to_string(&c - cases.data()) + ".pgm";
        const std::string theirs = folder + "dcmtk-" + std::to_string(&c - cases.data()) + ".pgm";
        const Timing lrclr = timeProcess({ self, "render", c.file, "--out", ours, "--window", "2048,4096" }, runs);
        const Timing dcmtk = timeProcess({ c.dcmtkTool, "+Ww", "2048", "4096", "+op", c.file, theirs }, runs);
        printRow(c.name + " vs " + c.dcmtkTool, lrclr, dcmtk, c.goal);
        printRow("  start-up subtracted", { lrclr.wall - ourStartup.wall, lrclr.cpu - ourStartup.cpu },
            { dcmtk.wall - dcmtkStartup.wall, dcmtk.cpu - dcmtkStartup.cpu }, "");
        std::cout << "    outputs differ by at most "
                  << largestDifference(ours, theirs, static_cast<std::size_t>(size) * size) << " gray level(s)\n";
    }
}

/// The same job in this process: lrclr's reader, pipeline and writer against DCMTK's DicomImage.
void benchInProcess(const std::vector<Case>& cases, const std::string& folder, int runs)
{
    std::cout
        << "\nIn-process: lrclr's reader + pipeline + writer vs DCMTK's DicomImage + writeRawPPM (dcmj2pnm's code)\n";
    printHeader("Same job, one process");
    for (const auto& c : cases) {
        const Timing lrclr = timeInProcess(&renderWithLrclr, c.file, folder + "inprocess-lrclr.pgm", runs);
        const Timing dcmtk = timeInProcess(&renderWithDcmtk, c.file, folder + "inprocess-dcmtk.pgm", runs);
        printRow(c.name, lrclr, dcmtk, c.goal);
    }
}

constexpr int windowLevelRepetitions = 30;

/// Median time of re-rendering `image` with a new window (what one mouse move of a drag does) in `bands` row bands
/// (0: the default number); the last frame stays in `frame`.
Timing timeRenders(const XrayImage& image, std::size_t bands, DisplayFrame& frame)
{
    DisplayPipeline pipeline(image);
    pipeline.setRenderBands(bands);
    pipeline.renderInto(frame);
    std::vector<double> walls, cpus;
    for (int i = 0; i < windowLevelRepetitions; ++i) {
        const auto start = Clock::now();
        const double cpuStart = processCpuMilliseconds();
        pipeline.setWindow(1500.0 + 10.0 * i, 2000.0 + 20.0 * i);
        pipeline.renderInto(frame);
        cpus.push_back(processCpuMilliseconds() - cpuStart);
        walls.push_back(millisecondsSince(start));
    }
    return Timing { median(walls), median(cpus) };
}

/// Median time of copying `bytes` bytes from `source` into `target` with memcpy.
Timing timeCopies(std::uint8_t* target, const void* source, std::size_t bytes)
{
    std::vector<double> walls, cpus;
    for (int i = 0; i < windowLevelRepetitions; ++i) {
        const auto start = Clock::now();
        const double cpuStart = processCpuMilliseconds();
        std::memcpy(target, source, bytes);
        cpus.push_back(processCpuMilliseconds() - cpuStart);
        walls.push_back(millisecondsSince(start));
    }
    return Timing { median(walls), median(cpus) };
}

/// Window/level on the loaded frame against a memcpy of the same bytes; returns the exit code (1 when the banded
/// render differs from the one-thread render).
int benchWindowLevel(const std::string& file)
{
    DicomImageReader reader;
    XrayImage image;
    if (!reader.read(file, image)) {
        std::cerr << "lrclr bench: " << reader.errorString() << '\n';
        return 1;
    }
    // A render maps row bands on several threads (all joined before it returns): CPU time then adds up the threads,
    // so one band gives the CPU comparison, the default number of bands the wall-clock one (what a drag feels like).
    DisplayFrame frame, bandedFrame;
    const Timing oneBand = timeRenders(image, 1, frame);
    const Timing banded = timeRenders(image, 0, bandedFrame);
    const bool identical = frame.bytes.size() == bandedFrame.bytes.size()
        && std::equal(frame.bytes.begin(), frame.bytes.end(), bandedFrame.bytes.begin());
    const auto input = image.unsigned16();
    const std::size_t storedBytes = input.size() * sizeof(std::uint16_t);
    std::vector<std::uint8_t> target(storedBytes, 1);
    const Timing copy16 = timeCopies(target.data(), input.data(), storedBytes);
    const Timing copyOutput = timeCopies(target.data(), frame.bytes.data(), frame.bytes.size());
    volatile std::uint8_t sink = target[target.size() / 2] ^ frame.bytes[frame.bytes.size() / 3];
    (void)sink;
    const std::size_t bands = DisplayPipeline(image).renderBands();
    std::cout << "\nWindow/level: setWindow + renderInto on the loaded frame vs memcpy (median of "
              << windowLevelRepetitions << "); " << bands << " band(s) by default on "
              << std::thread::hardware_concurrency() << " core(s), frames " << (identical ? "identical" : "DIFFERENT")
              << " with 1 and " << bands << " band(s)\n";
    printHeader("Re-render of the loaded frame", "render", "memcpy");
    printRow("1 band vs memcpy, 16-bit frame", oneBand, copy16, "goal <= 2.00x");
    printRow(std::to_string(bands) + " bands vs memcpy, 16-bit frame", banded, copy16, "goal <= 2.00x (wall)");
    printRow("1 band vs memcpy, 8-bit output", oneBand, copyOutput, "");
    if (!identical) {
        std::cerr << "lrclr bench: the banded render differs from the one-thread render\n";
        return 1;
    }
    return 0;
}

int benchStudy(int size, int runs, const QString& directory)
{
    DicomLibrary::initialize();
    const std::string folder = QDir(directory).absolutePath().toStdString() + '/';
    std::cout
        << "Study benchmark: " << size << " x " << size << " 12-bit CR, median of " << runs
        << " runs after one warm-up; load average " << loadAverage() << "\n"
        << "Job: DICOM file -> window 2048/4096 -> 8-bit binary PGM on disk (both sides write the same format)\n\n";
    const std::vector<Case> cases = writeCases(folder, size);
    if (cases.empty())
        return 1;
    benchProcesses(cases, folder, size, runs);
    benchInProcess(cases, folder, runs);
    if (const int exitCode = benchWindowLevel(cases.front().file); exitCode != 0)
        return exitCode;
    std::cout << "\nLoad average at the end: " << loadAverage() << '\n';
    return 0;
}

} // namespace

BenchCommand::BenchCommand()
    : Command("bench", "Benchmarks: `bench study` times rendering against DCMTK's tools")
{
}

int BenchCommand::run(const std::vector<std::string>& arguments)
{
    namespace po = boost::program_options;
    CommandOptions options(name(), "lrclr bench study [options]");
    options.add()("size", po::value<int>()->default_value(3000), "image width and height")(
        "runs", po::value<int>()->default_value(5), "timed runs per measurement")(
        "directory", po::value<std::string>(), "folder for the generated files (default: a temporary one)");
    options.addHidden()("suite", po::value<std::string>());
    options.addPositional("suite");
    if (const auto exitCode = options.parse(arguments))
        return *exitCode;
    if (!options.has("suite")) {
        options.printHelp(std::cout);
        return 2;
    }
    const auto suite = options.value<std::string>("suite");
    if (suite != "study")
        return options.error("unknown suite '" + suite + "' (known: study)", 2);
    const int size = options.value<int>("size");
    const int runs = options.value<int>("runs");
    if (size < 16 || size > 8192 || runs < 1)
        return options.error("--size must be 16..8192 and --runs at least 1", 2);
    QTemporaryDir temporary;
    const QString directory = QString::fromStdString(options.valueOr("directory", temporary.path().toStdString()));
    if (!QDir().mkpath(directory))
        return options.error("cannot create " + directory.toStdString(), 1);
    return benchStudy(size, runs, directory);
}

} // namespace lrclr::cli
