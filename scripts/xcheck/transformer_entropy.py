# Cross-check of the conditional-entropy probe with the paper's own estimator, outside scalebench:
# the loss L_n of a small causal transformer at context length n (window position n), trained on
# a language target's training tokens and scored on its validation tokens (Cagnetta et al. 2026
# read H_n this way). scalebench's probe uses a variable-context MLP on 2 CPU cores
# (harness/targets/language_entropy.h); this script needs PyTorch and, in practice, a GPU, so it
# is not part of the suite or of CI. Its outputs are recorded under results/bench/.
#
# Model: 4 pre-LN blocks, d = 256, 4 heads, window T = 32, dropout 0.1, AdamW (lr 1e-3, 200 warm-up
# steps, weight decay 0.1), batch 128 windows; early stopping (patience 8 checks, every 250 steps)
# on the first quarter of the validation tokens, L_n scored on the other three quarters with
# windows starting at every `stride` tokens (stride 1: every token is scored at every n; an even
# stride makes odd and even n score different tokens). Output index k predicts the token after
# k + 1 context tokens: n = k + 1 = 1..T. Fits H_n = H_inf + A n^-gamma (H_inf >= 0, A > 0, gamma
# on a 0.001 grid in [0.01, 5]) over n = 1..3, 1..4, 1..8, 1..16, 1..31, 1..32.
#
# Usage (tokens from `scalebench export-tokens --target language/kjv_bpe1024 --out DIR`):
#   python3 scripts/xcheck/transformer_entropy.py DIR [TRAIN_FRACTION [MAX_STEPS [TIME_LIMIT_S [STRIDES]]]]
# e.g. STRIDES = 1 or 2,1. TRAIN_FRACTION < 1 trains on that prefix of the training tokens.
import numpy as np, torch, torch.nn as nn, math, sys, time, json
torch.manual_seed(0)
d = sys.argv[1]; frac = float(sys.argv[2]) if len(sys.argv) > 2 else 1.0
max_steps = int(sys.argv[3]) if len(sys.argv) > 3 else 40000
time_limit = float(sys.argv[4]) if len(sys.argv) > 4 else 1e9
strides = [int(v) for v in sys.argv[5].split(",")] if len(sys.argv) > 5 else [1]
train = np.fromfile(f"{d}/train.i32", dtype=np.int32); held = np.fromfile(f"{d}/validation.i32", dtype=np.int32)
V = int(max(train.max(), held.max())) + 1
train = train[: int(len(train) * frac)]
stop, scored = held[: len(held) // 4], held[len(held) // 4 :]
T, L, D, H = 32, 4, 256, 4
dev = "cuda" if torch.cuda.is_available() else "cpu"
class Block(nn.Module):
    def __init__(s):
        super().__init__(); s.ln1 = nn.LayerNorm(D); s.att = nn.MultiheadAttention(D, H, dropout=0.1, batch_first=True)
        s.ln2 = nn.LayerNorm(D); s.mlp = nn.Sequential(nn.Linear(D, 4 * D), nn.GELU(), nn.Linear(4 * D, D), nn.Dropout(0.1))
    def forward(s, x, mask):
        h = s.ln1(x); x = x + s.att(h, h, h, attn_mask=mask, need_weights=False)[0]; return x + s.mlp(s.ln2(x))
class GPT(nn.Module):
    def __init__(s):
        super().__init__(); s.tok = nn.Embedding(V, D); s.pos = nn.Embedding(T, D); s.drop = nn.Dropout(0.1)
        s.blocks = nn.ModuleList([Block() for _ in range(L)]); s.ln = nn.LayerNorm(D); s.head = nn.Linear(D, V)
    def forward(s, idx):
        t = idx.shape[1]; mask = torch.triu(torch.ones(t, t, dtype=torch.bool, device=idx.device), 1)
        x = s.drop(s.tok(idx) + s.pos(torch.arange(t, device=idx.device)))
        for b in s.blocks: x = b(x, mask)
        return s.head(s.ln(x))
m = GPT().to(dev); opt = torch.optim.AdamW(m.parameters(), lr=1e-3, weight_decay=0.1)
tr = torch.tensor(train, dtype=torch.long, device=dev)
ar = torch.arange(T + 1, device=dev)
def windows(arr, stride):  # windows of T+1 tokens starting every `stride` tokens
    a = torch.tensor(arr, dtype=torch.long, device=dev)
    return a.unfold(0, T + 1, stride)  # (num_windows, T+1); stride=T gives the original non-overlapping windows
@torch.no_grad()
def per_position(arr, stride):
    """returns (mean, sd, count) per input position k = 0..T-1; position k predicts with n = k+1 tokens of context"""
    m.eval(); w = windows(arr, stride)
    s1 = torch.zeros(T, dtype=torch.float64, device=dev); s2 = torch.zeros(T, dtype=torch.float64, device=dev)
    for i in range(0, len(w), 1024):
        x = w[i : i + 1024]; lo = m(x[:, :-1])
        l = nn.functional.cross_entropy(lo.reshape(-1, V), x[:, 1:].reshape(-1), reduction="none").view(-1, T).double()
        s1 += l.sum(0); s2 += (l * l).sum(0)
    m.train(); cnt = len(w); mean = s1 / cnt; var = (s2 / cnt - mean * mean) * cnt / (cnt - 1)
    return mean.cpu().numpy(), var.clamp_min(0).sqrt().cpu().numpy(), cnt
best, best_state, best_step, stale, step, B = 1e9, None, 0, 0, 0, 128
t0 = time.time(); stopped_by = "early_stop"
while stale < 8:
    if step >= max_steps: stopped_by = "max_steps"; break
    if time.time() - t0 > time_limit: stopped_by = "time_limit"; break
    ix = torch.randint(0, len(tr) - T - 1, (B,), device=dev)
    x = tr[ix[:, None] + ar]  # same as torch.stack([tr[i : i + T + 1] for i in ix])
    lr = 1e-3 * min(1, step / 200); [g.__setitem__("lr", lr) for g in opt.param_groups]
    loss = nn.functional.cross_entropy(m(x[:, :-1]).reshape(-1, V), x[:, 1:].reshape(-1))
    opt.zero_grad(); loss.backward(); opt.step(); step += 1
    if step % 250 == 0:
        v = per_position(stop, T)[0].mean()
        if v < best: best, best_state, best_step, stale = v, {k: t.clone() for k, t in m.state_dict().items()}, step, 0
        else: stale += 1
train_s = time.time() - t0
m.load_state_dict(best_state)
def fit(n, y):
    """grid over gamma in [0.01, 5] step 0.001; H_inf, A by linear LS; H_inf >= 0, A > 0; least SSE wins"""
    n = np.asarray(n, float); y = np.asarray(y, float); bestf = None
    for g in np.round(np.arange(0.01, 5.0 + 1e-9, 0.001), 3):
        xx = n ** (-g)
        X = np.stack([np.ones_like(xx), xx], 1)
        (h, a), *_ = np.linalg.lstsq(X, y, rcond=None)
        if h < 0:  # constrained optimum on the boundary H_inf = 0
            h, a = 0.0, float(xx @ y / (xx @ xx))
        if a <= 0: continue
        r = float(((h + a * xx - y) ** 2).sum())
        if bestf is None or r < bestf["sse"]: bestf = {"gamma": float(g), "H_inf": float(h), "A": float(a), "sse": r}
    return bestf
ns = np.arange(1, T + 1)
out = {"data": d, "frac": frac, "tokens": int(len(train)), "steps": step, "best_step": best_step, "stopped_by": stopped_by,
       "best_val": float(best), "train_seconds": round(train_s, 1), "n": [int(v) for v in ns]}
for stride in strides:
    mean, sd, cnt = per_position(scored, stride); se = sd / math.sqrt(cnt)
    fits = {f"1..{hi}": fit(ns[:hi], mean[:hi]) for hi in (3, 4, 8, 16, 31, 32)}
    out[f"stride{stride}"] = {"samples_per_n": int(cnt), "L_n": [round(float(v), 4) for v in mean],
                              "SE_n": [round(float(v), 4) for v in se], "fits": fits}
    print(f"# {d} frac={frac} stride={stride} samples_per_n={cnt}")
    print("n   L_n     SE")
    for k in range(T): print(f"{ns[k]:2d}  {mean[k]:.4f}  {se[k]:.4f}")
    for w_, f in fits.items(): print(f"fit {w_:6s} gamma={f['gamma']:.3f} H_inf={f['H_inf']:.4f} A={f['A']:.4f} sse={f['sse']:.3e}")
out["seconds"] = round(time.time() - t0, 1)
print(json.dumps(out))
