using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;

// Run one class:   dotnet run -c Release --project benchmarks/FailClosed.Gates.Benchmarks -- --filter '*GateBenchmarks*'
// Prove they run:  dotnet run -c Release --project benchmarks/FailClosed.Gates.Benchmarks -- --job dry --filter '*'
// BenchmarkDotNet builds a project per job; on a 2-core machine shared with other builds that takes longer than its
// default two minutes.
IConfig config = ManualConfig.Create(DefaultConfig.Instance).WithBuildTimeout(TimeSpan.FromMinutes(10));
Summary[] summaries = BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args, config).ToArray();

// Exit non-zero when a benchmark failed to build or run, so CI notices.
bool failed = summaries.Length == 0
    || summaries.Any(static s => s.HasCriticalValidationErrors || s.Reports.Any(static r => !r.Success));
return failed ? 1 : 0;
