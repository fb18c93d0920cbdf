#!/usr/bin/env python3
"""Python reference for `lrclr-model-bench`: OpenAI CLIP's architecture (clip/model.py: CLIP, VisionTransformer,
Transformer, ResidualAttentionBlock with nn.MultiheadAttention, fp32 LayerNorm, QuickGELU) in Debian's python3-torch.

Called by the C++ benchmark in the same run: builds the model with random weights (seed 0, OpenAI's initialisation),
saves them with torch.save(model.state_dict()) for the C++ side to import, then times encode_image at batch 1 and 8
and encode_text of the given token rows (always 77 positions, as CLIP does) and writes timings and outputs.
"""
import argparse
import json
import time
from collections import OrderedDict

import numpy as np
import torch
from torch import nn


class LayerNorm(nn.LayerNorm):
    def forward(self, x):
        orig_type = x.dtype
        return super().forward(x.type(torch.float32)).type(orig_type)


class QuickGELU(nn.Module):
    def forward(self, x):
        return x * torch.sigmoid(1.702 * x)


class ResidualAttentionBlock(nn.Module):
    def __init__(self, d_model, n_head, attn_mask=None):
        super().__init__()
        self.attn = nn.MultiheadAttention(d_model, n_head)
        self.ln_1 = LayerNorm(d_model)
        self.mlp = nn.Sequential(OrderedDict([
            ("c_fc", nn.Linear(d_model, d_model * 4)),
            ("gelu", QuickGELU()),
            ("c_proj", nn.Linear(d_model * 4, d_model)),
        ]))
        self.ln_2 = LayerNorm(d_model)
        self.attn_mask = attn_mask

    def attention(self, x):
        mask = self.attn_mask.to(dtype=x.dtype, device=x.device) if self.attn_mask is not None else None
        return self.attn(x, x, x, need_weights=False, attn_mask=mask)[0]

    def forward(self, x):
        x = x + self.attention(self.ln_1(x))
        return x + self.mlp(self.ln_2(x))


class Transformer(nn.Module):
    def __init__(self, width, layers, heads, attn_mask=None):
        super().__init__()
        self.width = width
        self.layers = layers
        self.resblocks = nn.Sequential(*[ResidualAttentionBlock(width, heads, attn_mask) for _ in range(layers)])

    def forward(self, x):
        return self.resblocks(x)


class VisionTransformer(nn.Module):
    def __init__(self, input_resolution, patch_size, width, layers, heads, output_dim):
        super().__init__()
        self.conv1 = nn.Conv2d(3, width, kernel_size=patch_size, stride=patch_size, bias=False)
        scale = width ** -0.5
        self.class_embedding = nn.Parameter(scale * torch.randn(width))
        self.positional_embedding = nn.Parameter(scale * torch.randn((input_resolution // patch_size) ** 2 + 1, width))
        self.ln_pre = LayerNorm(width)
        self.transformer = Transformer(width, layers, heads)
        self.ln_post = LayerNorm(width)
        self.proj = nn.Parameter(scale * torch.randn(width, output_dim))

    def forward(self, x):
        x = self.conv1(x)
        x = x.reshape(x.shape[0], x.shape[1], -1).permute(0, 2, 1)
        x = torch.cat([self.class_embedding.to(x.dtype) + torch.zeros(x.shape[0], 1, x.shape[-1], dtype=x.dtype,
                                                                      device=x.device), x], dim=1)
        x = x + self.positional_embedding.to(x.dtype)
        x = self.ln_pre(x)
        x = self.transformer(x.permute(1, 0, 2)).permute(1, 0, 2)
        return self.ln_post(x[:, 0, :]) @ self.proj


class CLIP(nn.Module):
    def __init__(self, embed_dim, image_resolution, vision_layers, vision_width, vision_patch_size, context_length,
                 vocab_size, transformer_width, transformer_heads, transformer_layers):
        super().__init__()
        self.context_length = context_length
        self.visual = VisionTransformer(image_resolution, vision_patch_size, vision_width, vision_layers,
                                        vision_width // 64, embed_dim)
        self.transformer = Transformer(transformer_width, transformer_layers, transformer_heads,
                                       self.build_attention_mask())
        self.token_embedding = nn.Embedding(vocab_size, transformer_width)
        self.positional_embedding = nn.Parameter(torch.empty(context_length, transformer_width))
        self.ln_final = LayerNorm(transformer_width)
        self.text_projection = nn.Parameter(torch.empty(transformer_width, embed_dim))
        self.logit_scale = nn.Parameter(torch.ones([]) * np.log(1 / 0.07))
        self.initialize_parameters()

    def initialize_parameters(self):
        nn.init.normal_(self.token_embedding.weight, std=0.02)
        nn.init.normal_(self.positional_embedding, std=0.01)
        for transformer in (self.transformer, self.visual.transformer):
            proj_std = (transformer.width ** -0.5) * ((2 * transformer.layers) ** -0.5)
            attn_std = transformer.width ** -0.5
            fc_std = (2 * transformer.width) ** -0.5
            for block in transformer.resblocks:
                nn.init.normal_(block.attn.in_proj_weight, std=attn_std)
                nn.init.normal_(block.attn.out_proj.weight, std=proj_std)
                nn.init.normal_(block.mlp.c_fc.weight, std=fc_std)
                nn.init.normal_(block.mlp.c_proj.weight, std=proj_std)
        nn.init.normal_(self.text_projection, std=self.transformer.width ** -0.5)

    def build_attention_mask(self):
        mask = torch.empty(self.context_length, self.context_length)
        mask.fill_(float("-inf"))
        mask.triu_(1)
        return mask

    def encode_image(self, image):
        return self.visual(image)

    def encode_text(self, text):
        x = self.token_embedding(text) + self.positional_embedding
        x = self.transformer(x.permute(1, 0, 2)).permute(1, 0, 2)
        x = self.ln_final(x)
        return x[torch.arange(x.shape[0]), text.argmax(dim=-1)] @ self.text_projection


def best_seconds(function, runs, device):
    def timed():
        start = time.perf_counter()
        function()
        if device == "cuda":
            torch.cuda.synchronize()
        return time.perf_counter() - start

    timed()  # warm-up
    times = [timed() for _ in range(runs)]
    # Best of the runs: on a shared machine the minimum is the least disturbed estimate of the work itself.
    return float(min(times))


def vit_b32():
    """OpenAI's ViT-B/32 CLIP (CheXzero's architecture) with random weights from torch's generator, in eval mode."""
    return CLIP(embed_dim=512, image_resolution=224, vision_layers=12, vision_width=768, vision_patch_size=32,
                context_length=77, vocab_size=49408, transformer_width=512, transformer_heads=8,
                transformer_layers=12).eval()


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--weights", required=True, help="where to torch.save the state dict")
    parser.add_argument("--images", required=True, help="float32 .npy [8,3,224,224] input")
    parser.add_argument("--tokens", required=True, help="int64 .npy [S,77] token rows")
    parser.add_argument("--result", required=True, help="JSON timings and outputs written here")
    parser.add_argument("--threads", type=int, default=1, help="intra-op threads (the C++ side's count)")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--device", default="cpu", help="cpu or cuda (cuda runs fp16, as clip.load does)")
    args = parser.parse_args()

    default_threads = torch.get_num_threads()
    torch.set_num_threads(args.threads)
    torch.manual_seed(0)
    model = vit_b32()
    torch.save(model.state_dict(), args.weights)

    images = torch.from_numpy(np.load(args.images))
    tokens = torch.from_numpy(np.load(args.tokens)).long()
    if args.device == "cuda":
        # As clip.load does on CUDA (convert_weights): fp16 weights, LayerNorm kept in fp32 (it computes in fp32).
        model = model.cuda().half()
        for module in model.modules():
            if isinstance(module, nn.LayerNorm):
                module.float()
        images = images.cuda().half()
        tokens = tokens.cuda()
    result = {"torch": torch.__version__, "threads": args.threads, "default_threads": default_threads}
    with torch.inference_mode():
        # Timed at the benchmark's thread count and, when different, at python3-torch's own default.
        for suffix, threads in (("", args.threads), ("_default", default_threads)):
            if suffix and threads == args.threads:
                continue
            torch.set_num_threads(threads)
            result["image_batch1_s" + suffix] = best_seconds(lambda: model.encode_image(images[:1]), args.runs,
                                                               args.device)
            result["image_batch8_s" + suffix] = best_seconds(lambda: model.encode_image(images), args.runs,
                                                               args.device)
            result["text_s" + suffix] = best_seconds(lambda: model.encode_text(tokens), args.runs, args.device)
        torch.set_num_threads(args.threads)
        result["image_embedding"] = model.encode_image(images[:2]).float().cpu().tolist()
        result["text_embedding"] = model.encode_text(tokens).float().cpu().tolist()
    with open(args.result, "w") as stream:
        json.dump(result, stream)


if __name__ == "__main__":
    main()
