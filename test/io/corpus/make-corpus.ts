/**
 * The corpus of model files (issue 14's measurement): 81 model.json files written here, one per
 * (network, generation, manifest layout) the public files show, with an index of what each is.
 * Weights are not stored: the corpus test draws them from a seed to fit each manifest.
 *
 *   npx tsx test/io/corpus/make-corpus.ts     rewrites test/io/corpus/files/*.json and index.json
 *
 * The corpus test checks that the committed files are what this script writes.
 */
import { writeFileSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Net } from './net.js';
import { modelJson, type Flavor, type ManifestSpec } from './flavors.js';
import { mobilenetV2, mobilenetV1Truncated, teachableImage, inceptionV3, resnet50V2, xception, unet, mnistConvnet } from './architectures.js';
import { vgg16, densenet121, efficientnetBlock, yoloTiny } from './more-architectures.js';
import { siamese, twoHeads } from './multi-io.js';
import { tabularMaxNorm, teachableAudio, teachablePose, transfer, augmentedClassifier, sharedConv, textModel, lstmModel, lambdaModel, tfOpModel } from './small-models.js';

export interface CorpusEntry {
  readonly id: string;
  readonly family: string;
  /** Who wrote the file, as its fields say. */
  readonly source: string;
  /** Input values: uniform in [−1, 1], pixels in [0, 255], or token ids in [0, vocab); `more`: the shapes of further inputs (uniform). */
  readonly input: { readonly shape: number[]; readonly kind: 'uniform' | 'pixels' | 'tokens'; readonly vocab?: number; readonly more?: number[][] };
  /** 'runs': tatami must run it; 'out-of-scope': tatami must refuse it by design. */
  readonly expect: 'runs' | 'out-of-scope';
  readonly json: Record<string, unknown>;
}

// The generations, as their files spell things (flavors.ts).
const conv = (v: string): string => `TensorFlow.js Converter v${v}`;
const K21: Flavor = { writer: 'keras2', version: '2.1.6', init: 'variance-scaling', sequential: 'list', dtypeFirstOnly: true };
const K224: Flavor = { writer: 'keras2', version: '2.2.4', converter: conv('1.2.6'), init: 'variance-scaling', sequential: 'object', dtypeFirstOnly: true, bnAxis: 'int' };
const TF20: Flavor = { writer: 'keras2', version: '2.2.4-tf', converter: conv('1.7.3'), init: 'classes', sequential: 'object', bnAxis: 'list' };
const TF23: Flavor = { writer: 'keras2', version: '2.3.0-tf', converter: conv('2.0.1'), init: 'classes', sequential: 'object', bnAxis: 'list' };
const TF24: Flavor = { writer: 'keras2', version: '2.4.0', converter: conv('2.8.6'), init: 'classes', sequential: 'input-layer', functional: 'Functional', bnAxis: 'list', groups: true };
const TF212: Flavor = { ...TF24, version: '2.12.0', converter: conv('4.6.0') };
const TF211: Flavor = { ...TF24, version: '2.11.0', converter: conv('4.2.0') };
const TF215: Flavor = { ...TF24, version: '2.15.0', converter: conv('4.17.0') };
const tfjs = (v: string, nullMode = false): Flavor => ({ writer: 'tfjs', version: `tfjs-layers ${v}`, converter: null, init: 'tfjs', sequential: 'object', nullMode });
const keras3 = (v: string, c: string, extra: Partial<Flavor> = {}): Flavor => ({ writer: 'keras3', version: v, converter: conv(c), init: 'keras3', sequential: 'input-layer', functional: 'Functional', groups: true, ...extra });
const K34 = keras3('3.4.1', '4.20.0', { floatPolicy: true });
const K36 = keras3('3.6.0', '4.22.0');
const K310 = keras3('3.10.0', '4.22.0', { nestedNode: 0 });
const K310H = keras3('3.10.0', '4.22.0', { stripped: true });

const ONE: ManifestSpec = { layout: { shards: 1 } };
const TM: ManifestSpec = { layout: { shards: 1 }, path: 'weights.bin' };
const K3NAMES: ManifestSpec = { layout: { shards: 1 }, names: 'model-prefix' };

const IMG = [16, 16, 3];
const img = (shape = IMG) => ({ shape, kind: 'uniform' as const });
const px = (shape = IMG) => ({ shape, kind: 'pixels' as const });
const tokens = (length: number, vocab: number) => ({ shape: [length], kind: 'tokens' as const, vocab });

type Row = [id: string, family: string, net: () => Net, flavor: Flavor, manifest: ManifestSpec, input: CorpusEntry['input'], expect?: CorpusEntry['expect'], extra?: Record<string, unknown>];

const tmImage2 = (classes: number): Net => teachableImage(mobilenetV2('model1', [16, 16, 3], 4, 'pool'), classes);
const mnv2 = (top: number | null, name = 'mobilenetv2_1.00_160'): Net => mobilenetV2(name, IMG, 4, top);
const mnist = (first = 'conv2d'): Net => mnistConvnet([14, 14, 1], 3, first);
const fit = { trainingConfig: { loss: 'categoricalCrossentropy', metrics: ['accuracy'], optimizer_config: { class_name: 'Adam', config: { learning_rate: 0.001 } } } };

const ROWS: Row[] = [
  // Teachable Machine exports (tfjs model.save from the TM site).
  ['tm-image-mobilenetv2-tfjs1.3', 'Teachable Machine image', () => tmImage2(3), tfjs('1.3.1'), TM, img()],
  ['tm-image-mobilenetv2-tfjs1.7', 'Teachable Machine image', () => tmImage2(5), tfjs('1.7.4'), TM, img()],
  ['tm-image-mobilenetv1-tfjs1.0', 'Teachable Machine image', () => teachableImage(mobilenetV1Truncated('model1', IMG, 4), 2), tfjs('1.0.0', true), TM, img()],
  ['tm-audio-tfjs1.7', 'Teachable Machine audio', () => teachableAudio([12, 16, 1]), tfjs('1.7.4'), TM, img([12, 16, 1])],
  ['tm-pose-tfjs1.3', 'Teachable Machine pose', () => teachablePose(28), tfjs('1.3.1'), TM, img([28])],
  ['tm-image-keras3.6', 'Teachable Machine image', () => tmImage2(3), K36, K3NAMES, img()],
  // The MNIST convnet through every generation.
  ['mnist-keras2.1', 'convnet', () => mnist('conv2d_1'), K21, { layout: 'per-layer' }, img([14, 14, 1])],
  ['mnist-keras2.2', 'convnet', () => mnist('conv2d_1'), K224, ONE, img([14, 14, 1])],
  ['mnist-tf2.3-colon', 'convnet', () => mnist(), TF23, { layout: { shards: 1 }, names: 'colon-zero' }, img([14, 14, 1])],
  ['mnist-tf2.11-uint8', 'convnet (uint8)', () => mnist(), TF211, { layout: { shards: 1 }, quantization: 'uint8' }, img([14, 14, 1])],
  ['mnist-tf2.15-float16', 'convnet (float16)', () => mnist(), TF215, { layout: { shards: 1 }, quantization: 'float16' }, img([14, 14, 1])],
  ['mnist-tfjs0.15', 'convnet', () => mnist('conv2d_1'), tfjs('0.15.3'), { layout: { shards: 1 }, path: 'weights.bin' }, img([14, 14, 1])],
  ['mnist-tfjs1.0', 'convnet', () => mnist('conv2d_1'), tfjs('1.0.0', true), TM, img([14, 14, 1])],
  ['mnist-tfjs4.22', 'convnet', () => mnist(), tfjs('4.22.0'), { layout: { shards: 1 }, path: './model.weights.bin' }, img([14, 14, 1]), undefined, fit],
  ['mnist-tfjs4.22-optimizer', 'convnet', () => mnist(), tfjs('4.22.0'), { layout: { shards: 1 }, path: 'weights.bin', optimizer: true }, img([14, 14, 1]), undefined, fit],
  ['mnist-tf2.12-built-by-fit', 'convnet', () => mnist(), { ...TF212, builtByFit: true }, ONE, img([14, 14, 1])],
  ['mnist-tf2.0', 'convnet', () => mnist(), TF20, ONE, img([14, 14, 1])],
  ['mnist-keras3.4', 'convnet', () => mnist(), K34, ONE, img([14, 14, 1])],
  ['mnist-keras3.10-hand', 'convnet', () => mnist(), K310H, K3NAMES, img([14, 14, 1])],
  // Tutorials and small graphs.
  ['augmented-tf2.11', 'augmentation + convnet', () => augmentedClassifier(IMG, 4), TF211, ONE, px()],
  ['augmented-keras3.4', 'augmentation + convnet', () => augmentedClassifier(IMG, 4), K34, K3NAMES, px()],
  ['augmented-keras3.6', 'augmentation + convnet', () => augmentedClassifier(IMG, 4), K36, ONE, px()],
  ['shared-keras2.2', 'shared layer', () => sharedConv(IMG), K224, ONE, img()],
  ['shared-tfjs2.8', 'shared layer', () => sharedConv(IMG), tfjs('2.8.6'), ONE, img()],
  ['shared-keras3.6', 'shared layer', () => sharedConv(IMG), K36, ONE, img()],
  ['tabular-maxnorm-tf2.12', 'tabular (MaxNorm)', () => tabularMaxNorm(8), TF212, ONE, img([8])],
  ['text-dense-keras2.2', 'text', () => textModel(40, 10, false), K224, ONE, tokens(10, 40)],
  ['text-conv1d-tf2.4', 'text', () => textModel(40, 10, true), TF24, ONE, tokens(10, 40)],
  ['text-conv1d-keras3.4', 'text', () => textModel(40, 10, true), K34, ONE, tokens(10, 40)],
  ['text-dense-keras3.10', 'text', () => textModel(40, 10, false), K310, K3NAMES, tokens(10, 40)],
  // MobileNetV2.
  ['mobilenetv2-keras2.2', 'MobileNetV2', () => mnv2(5), K224, ONE, img()],
  ['mobilenetv2-tf2.4-shards', 'MobileNetV2', () => mnv2(5), TF24, { layout: { shards: 3 } }, img()],
  ['mobilenetv2-tf2.11-uint8', 'MobileNetV2 (uint8)', () => mnv2(5), TF211, { layout: { shards: 2 }, quantization: 'uint8', originalDtype: true }, img()],
  ['mobilenetv2-tf2.15-sorted', 'MobileNetV2', () => mnv2(5), TF215, { layout: { shards: 1 }, sorted: true }, img()],
  ['mobilenetv2-tfjs4.22', 'MobileNetV2', () => mnv2(5), tfjs('4.22.0'), ONE, img()],
  ['mobilenetv2-keras3.6', 'MobileNetV2', () => mnv2(5), K36, K3NAMES, img()],
  ['mobilenetv2-transfer-tf2.11', 'MobileNetV2 transfer', () => transfer(mnv2(null), 1, false), TF211, ONE, px()],
  ['mobilenetv2-transfer-keras3.6', 'MobileNetV2 transfer', () => transfer(mnv2(null), 1, false), K36, K3NAMES, px()],
  // InceptionV3.
  ['inceptionv3-keras2.2', 'InceptionV3', () => inceptionV3([19, 19, 3], 3, 4), K224, ONE, img([19, 19, 3])],
  ['inceptionv3-tf2.11-uint16', 'InceptionV3', () => inceptionV3([19, 19, 3], 3, 4), TF211, { layout: { shards: 2 }, quantization: 'uint16' }, img([19, 19, 3])],
  ['inceptionv3-tfjs3.21', 'InceptionV3', () => inceptionV3([19, 19, 3], 3, 4), tfjs('3.21.0'), ONE, img([19, 19, 3])],
  ['inceptionv3-keras3.6', 'InceptionV3', () => inceptionV3([19, 19, 3], 3, 4), K36, ONE, img([19, 19, 3])],
  // ResNet50V2.
  ['resnet50v2-tf2.4', 'ResNet50V2', () => resnet50V2('resnet50v2', IMG, 3, 4), TF24, ONE, img()],
  ['resnet50v2-keras2.2', 'ResNet50V2', () => resnet50V2('resnet50v2', IMG, 3, 4), K224, ONE, img()],
  ['resnet50v2-tfjs4.22', 'ResNet50V2', () => resnet50V2('resnet50v2', IMG, 3, 4), tfjs('4.22.0'), ONE, img()],
  ['resnet50v2-keras3.4', 'ResNet50V2', () => resnet50V2('resnet50v2', IMG, 3, 4), K34, ONE, img()],
  ['resnet50v2-transfer-tf2.15', 'ResNet50V2 transfer', () => transfer(resnet50V2('resnet50v2', IMG, 3, null), 3, true), TF215, ONE, px()],
  ['resnet50v2-transfer-keras3.10', 'ResNet50V2 transfer', () => transfer(resnet50V2('resnet50v2', IMG, 3, null), 3, true), K310, K3NAMES, px()],
  // Xception.
  ['xception-tf2.3', 'Xception', () => xception(IMG, 2, 4), TF23, ONE, img()],
  ['xception-tf2.0', 'Xception', () => xception(IMG, 2, 4), TF20, { layout: { shards: 4 } }, img()],
  ['xception-tf2.11-groups', 'Xception', () => xception(IMG, 2, 4), TF211, { layout: 'per-layer' }, img()],
  ['xception-tfjs4.22', 'Xception', () => xception(IMG, 2, 4), tfjs('4.22.0'), ONE, img()],
  ['xception-keras3.10', 'Xception', () => xception(IMG, 2, 4), K310, ONE, img()],
  // U-Net.
  ['unet-transpose-tf2.11', 'U-Net', () => unet(IMG, 2, 'transpose'), TF211, ONE, img()],
  ['unet-upsampling-keras2.2', 'U-Net', () => unet(IMG, 2, 'upsampling'), K224, ONE, img()],
  ['unet-dilated-tf2.0', 'U-Net', () => unet(IMG, 2, 'transpose', true), TF20, ONE, img()],
  ['unet-transpose-tfjs3.21', 'U-Net', () => unet(IMG, 2, 'transpose'), tfjs('3.21.0'), ONE, img()],
  ['unet-upsampling-keras3.6', 'U-Net', () => unet(IMG, 2, 'upsampling'), K36, ONE, img()],
  // VGG16, DenseNet121, EfficientNet, tiny YOLO.
  ['vgg16-keras2.1', 'VGG16', () => vgg16(IMG, 3, 4), K21, { layout: 'per-layer' }, img()],
  ['vgg16-tfjs1.3', 'VGG16', () => vgg16(IMG, 3, 4), tfjs('1.3.1'), ONE, img()],
  ['densenet121-keras2.2', 'DenseNet121', () => densenet121(IMG, 2, 4), K224, ONE, img()],
  ['densenet121-tf2.11', 'DenseNet121', () => densenet121(IMG, 2, 4), TF211, { layout: { shards: 2 } }, img()],
  ['densenet121-keras3.4', 'DenseNet121', () => densenet121(IMG, 2, 4), K34, K3NAMES, img()],
  ['efficientnet-tf2.11', 'EfficientNet block', () => efficientnetBlock(IMG, 3, 4), TF211, ONE, img()],
  ['efficientnet-tfjs4.22', 'EfficientNet block', () => efficientnetBlock(IMG, 3, 4), tfjs('4.22.0'), ONE, img()],
  ['efficientnet-keras3.6', 'EfficientNet block', () => efficientnetBlock(IMG, 3, 4), K36, ONE, img()],
  ['yolo-tiny-tf2.3', 'tiny YOLO', () => yoloTiny(IMG, 3, 3), TF23, ONE, img()],
  ['yolo-tiny-tf2.4', 'tiny YOLO', () => yoloTiny(IMG, 3, 3), TF24, ONE, img()],
  ['yolo-tiny-keras3.10', 'tiny YOLO', () => yoloTiny(IMG, 3, 3), K310, ONE, img()],
  ['mobilenetv2-transfer-tf2.4-prefixed', 'MobileNetV2 transfer', () => transfer(mnv2(null), 2, false), TF24, { layout: { shards: 1 }, names: 'nested-prefix' }, px()],
  // Several inputs (a shared nested base) and several outputs.
  ['siamese-keras2.2', 'siamese (2 inputs)', () => siamese(IMG, 3), K224, ONE, { ...img(), more: [IMG] }],
  ['siamese-keras3.6', 'siamese (2 inputs)', () => siamese(IMG, 3), K36, K3NAMES, { ...img(), more: [IMG] }],
  ['siamese-keras3.10', 'siamese (2 inputs)', () => siamese(IMG, 3), K310, ONE, { ...img(), more: [IMG] }],
  ['two-heads-tf2.11', 'two outputs', () => twoHeads(IMG, 3), TF211, ONE, img()],
  ['two-heads-tfjs4.22', 'two outputs', () => twoHeads(IMG, 3), tfjs('4.22.0'), ONE, img()],
  // Families tatami refuses by design.
  ['lstm-keras2.2', 'text (LSTM)', () => lstmModel(40, 10), K224, ONE, tokens(10, 40), 'out-of-scope'],
  ['lstm-tfjs2.8', 'text (LSTM)', () => lstmModel(40, 10), tfjs('2.8.6'), ONE, tokens(10, 40), 'out-of-scope'],
  ['lstm-keras3.6', 'text (LSTM)', () => lstmModel(40, 10), K36, ONE, tokens(10, 40), 'out-of-scope'],
  ['lambda-keras2.2', 'Lambda', () => lambdaModel(IMG), K224, ONE, img(), 'out-of-scope'],
  ['tfoplayer-tf2.3', 'TensorFlowOpLayer', () => tfOpModel(IMG, false), TF23, ONE, px(), 'out-of-scope'],
  ['tfoplambda-tf2.11', 'TFOpLambda', () => tfOpModel(IMG, true), TF211, ONE, px(), 'out-of-scope'],
];

const describe = (f: Flavor): string =>
  f.writer === 'tfjs' ? `tfjs ${f.version.replace('tfjs-layers ', '')} model.save` : `${f.writer === 'keras3' ? 'Keras' : f.version.startsWith('2.') && Number(f.version.split('.')[1]) >= 3 ? 'tf.keras' : 'Keras'} ${f.version}${f.converter === undefined ? ', converter 0.x' : `, ${f.converter ?? ''}`}${f.stripped === true ? ', hand-edited' : ''}`;

export function corpus(): CorpusEntry[] {
  return ROWS.map(([id, family, net, flavor, spec, input, expect, extra]) => ({
    id, family, source: describe(flavor), input, expect: expect ?? 'runs', json: modelJson(net(), flavor, spec, extra),
  }));
}

export const CORPUS_DIR = join(dirname(fileURLToPath(import.meta.url)), 'files');

/** A file's text as committed: compact JSON, as the converter and tfjs write it. */
export const fileText = (e: CorpusEntry): string => `${JSON.stringify(e.json)}\n`;
export const indexText = (entries: readonly CorpusEntry[]): string => `${JSON.stringify(entries.map(({ json: _json, ...rest }) => rest), null, 1)}\n`;

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const entries = corpus();
  mkdirSync(CORPUS_DIR, { recursive: true });
  for (const e of entries) writeFileSync(join(CORPUS_DIR, `${e.id}.json`), fileText(e));
  writeFileSync(join(CORPUS_DIR, 'index.json'), indexText(entries));
  console.log(`wrote ${entries.length} files to ${CORPUS_DIR}`);
}
