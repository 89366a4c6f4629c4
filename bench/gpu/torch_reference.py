"""Native references for bench/gpu (issue 10 asks for them in the same run): device copy
bandwidth and cuBLAS GEMM (fp32 SIMT/TF32 off, fp16, bf16 tensor cores) through PyTorch, at the
sizes bench_tensor_kernels uses. Run on the GPU machine: python3 bench/gpu/torch_reference.py"""
import torch

def timed(fn, reps):
    fn()
    torch.cuda.synchronize()
    start, end = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)
    start.record()
    for _ in range(reps):
        fn()
    end.record()
    torch.cuda.synchronize()
    return start.elapsed_time(end) / reps  # ms

torch.backends.cuda.matmul.allow_tf32 = False
torch.backends.cuda.matmul.allow_fp16_reduced_precision_reduction = False
print("device:", torch.cuda.get_device_name(0))
n = 1 << 28
x = torch.rand(n, device="cuda")
y = torch.empty_like(x)
ms = timed(lambda: y.copy_(x), 10)
print(f"{'torch copy_ 2^28 floats':52s} {ms:10.3f} ms {8.0 * n / ms / 1e6:10.1f} GB/s")
for N in (4096, 8192):
    for dt, name in ((torch.float32, "fp32 (cuBLAS, TF32 off)"), (torch.float16, "fp16 tensor cores (cuBLAS)"),
                     (torch.bfloat16, "bf16 tensor cores (cuBLAS)")):
        a = torch.rand(N, N, device="cuda", dtype=dt)
        b = torch.rand(N, N, device="cuda", dtype=dt)
        ms = timed(lambda: a @ b, 5 if N == 4096 else 2)
        print(f"{'GEMM N=' + str(N) + ' ' + name:52s} {ms:10.3f} ms {2.0 * N ** 3 / ms / 1e9:10.2f} TFLOP/s")
