import { describe, expect, it } from 'vitest';
import { badResponse, dtypePreference, dtypesIn, HUB_HOST, hubFileUrl, missingFolderFiles, normalizeHost, onnxFile, pickDtype, sourceKind } from '../../../src/core/models/hub';

describe('model sources', () => {
  it('Hub ids go to the host, bare names and the bundled tokenizer to the app, local/ to a folder', () => {
    expect(sourceKind('onnx-community/Qwen2.5-1.5B-Instruct')).toBe('hub');
    expect(sourceKind('Xenova/bge-small-en-v1.5')).toBe('hub');
    expect(sourceKind('thinksift/qwen3-tokenizer')).toBe('app');
    expect(sourceKind('tiny-qwen3')).toBe('app');
    expect(sourceKind('local/my-model')).toBe('folder');
    expect(sourceKind('../etc/passwd')).toBe('app');
  });

  it('the host setting: empty is the Hub, a URL gets its trailing slash, anything else is refused by name', () => {
    expect(normalizeHost('')).toEqual({ host: HUB_HOST });
    expect(normalizeHost('   ')).toEqual({ host: HUB_HOST });
    expect(normalizeHost('http://127.0.0.1:8080')).toEqual({ host: 'http://127.0.0.1:8080/' });
    expect(normalizeHost(' https://mirror.example/hf/ ')).toEqual({ host: 'https://mirror.example/hf/' });
    expect(normalizeHost('mirror.example')).toEqual({ error: expect.stringContaining('"mirror.example" is not a URL') });
    expect(normalizeHost('ftp://x/')).toEqual({ error: expect.stringContaining('http(s)') });
    expect(normalizeHost('javascript:alert(1)')).toEqual({ error: expect.stringContaining('http(s)') });
    expect(normalizeHost('https://x/?a=1')).toEqual({ error: expect.stringContaining('without ?query') });
  });

  it('file URLs follow the Hub layout', () => {
    expect(hubFileUrl('http://h:1/', 'a/b', 'onnx/model_q4f16.onnx')).toBe('http://h:1/a/b/resolve/main/onnx/model_q4f16.onnx');
    expect(onnxFile('q8')).toBe('onnx/model_quantized.onnx');
  });
});

describe('choosing weights among the files a model has', () => {
  const wasm = dtypePreference({ device: 'wasm', dtype: 'q8' });
  const gpu16 = dtypePreference({ device: 'webgpu', dtype: 'q4f16' });
  const gpu32 = dtypePreference({ device: 'webgpu', dtype: 'fp32' });

  it('preference orders start with the probe choice; half precision only with shader-f16', () => {
    expect(wasm).toEqual(['q8', 'fp32', 'fp16']);
    expect(gpu16).toEqual(['q4f16', 'fp16', 'fp32', 'q8']);
    expect(gpu32).toEqual(['fp32', 'q8']);
  });

  it('auto: a cached preferred type first, else the first that exists', () => {
    expect(pickDtype('auto', wasm, ['fp32'], [], 'm')).toEqual({ dtype: 'fp32' });
    expect(pickDtype('auto', wasm, ['fp32', 'q8'], ['fp32'], 'm')).toEqual({ dtype: 'fp32' });
    expect(pickDtype('auto', wasm, ['fp32', 'q8'], [], 'm')).toEqual({ dtype: 'q8' });
    expect(pickDtype('auto', gpu32, ['q4f16'], [], 'm')).toEqual({ dtype: 'q4f16' }); // the only file: tried, ORT says if it cannot
  });

  it('a forced type that is not there is refused, naming the file and what there is', () => {
    const r = pickDtype('fp16', wasm, ['fp32'], [], 'org/m');
    expect(r).toEqual({ error: 'Model "org/m" has no onnx/model_fp16.onnx (weights fp16); it has: fp32 (onnx/model.onnx). Choose other weights or "auto".' });
    expect(pickDtype('auto', wasm, [], [], 'org/m')).toEqual({ error: expect.stringContaining('no onnx/model*.onnx file at all') });
  });

  it('folders: dtypes from the files, and missing files named', () => {
    expect(dtypesIn(['onnx/model.onnx', 'onnx/model_q4f16.onnx', 'onnx/model_q4.onnx'])).toEqual(['fp32', 'q4f16']);
    expect(missingFolderFiles(['config.json', 'tokenizer.json', 'tokenizer_config.json', 'onnx/model_quantized.onnx'])).toEqual([]);
    expect(missingFolderFiles(['README.md'])).toEqual(['config.json', 'tokenizer.json', 'tokenizer_config.json', expect.stringMatching(/^onnx\/model\.onnx/)]);
    expect(missingFolderFiles(['config.json', 'onnx/model.onnx'], false)).toEqual([]);
  });
});

describe('responses that cannot be the file asked for', () => {
  const u = 'http://h/a/b/resolve/main/config.json';
  it('names the URL and what came back', () => {
    expect(badResponse(u, 404, 'application/json')).toBe(`${u} answered 404 Not Found: the model has no file config.json there`);
    expect(badResponse(u, 401, null)).toMatch(/answered 401: the repository is gated, private or does not exist/);
    expect(badResponse(u, 503, null)).toBe(`${u} answered HTTP 503`);
    expect(badResponse(u, 200, 'text/html; charset=utf-8')).toBe(`${u} answered with an HTML page (status 200, text/html; charset=utf-8) where JSON was expected: the host does not serve this model in the Hugging Face layout`);
    expect(badResponse('http://h/a/b/resolve/main/onnx/model.onnx', 200, null, '<!doctype html><html>')).toMatch(/where an ONNX model was expected/);
  });
  it('lets real files through', () => {
    expect(badResponse(u, 200, 'application/json')).toBeUndefined();
    expect(badResponse('http://h/x/onnx/model.onnx', 206, 'application/octet-stream')).toBeUndefined();
    expect(badResponse('http://h/x/page.html', 200, 'text/html')).toBeUndefined();
  });
});
