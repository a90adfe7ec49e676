/**
 * Class names Keras resolves by itself when a config names a class without a `module` (the legacy
 * layout of `.h5` model_config and tf.keras metadata). Anything else there is looked up in the
 * caller's custom objects, so loading needs code the file does not carry.
 *
 * KERAS3_CLASSES: every public class of keras 3.15.1's layers, models, optimizers (and schedules),
 * losses, metrics, activations, initializers, regularizers, constraints, dtype_policies and
 * quantizers namespaces, plus Functional/Sequential/Model. Generated with
 *   KERAS_BACKEND=torch python -c "import keras, inspect; ..." (dir() of each namespace, classes only)
 * KERAS2_CLASSES: tf.keras 2.x layer and utility classes that Keras 3 dropped (tf.keras 2.15
 * `keras/layers/__init__.py`, `keras/mixed_precision/policy.py`, `keras/layers/core/tf_op_layer.py`,
 * `keras/feature_column/`, `keras/premade_models/`).
 */
export const KERAS3_CLASSES: readonly string[] = [
  'AUC', 'AWQConfig', 'AWQDTypePolicy', 'AbsMaxQuantizer', 'Accuracy', 'Activation', 'ActivityRegularization',
  'Adadelta', 'Adafactor', 'Adagrad', 'Adam', 'AdamW', 'Adamax', 'AdaptiveAveragePooling1D',
  'AdaptiveAveragePooling2D', 'AdaptiveAveragePooling3D', 'AdaptiveMaxPooling1D', 'AdaptiveMaxPooling2D',
  'AdaptiveMaxPooling3D', 'Add', 'AdditiveAttention', 'AlphaDropout', 'Attention', 'AugMix', 'AutoContrast',
  'Average', 'AveragePooling1D', 'AveragePooling2D', 'AveragePooling3D', 'AvgPool1D', 'AvgPool2D', 'AvgPool3D',
  'BatchNormalization', 'Bidirectional', 'BinaryAccuracy', 'BinaryCrossentropy', 'BinaryFocalCrossentropy',
  'BinaryIoU', 'CTC', 'CategoricalAccuracy', 'CategoricalCrossentropy', 'CategoricalFocalCrossentropy',
  'CategoricalGeneralizedCrossEntropy', 'CategoricalHinge', 'CategoryEncoding', 'CenterCrop', 'Circle',
  'Concatenate', 'ConcordanceCorrelation', 'Constant', 'Constraint',
  'ContrastLimitedAdaptiveHistogramEqualization', 'Conv1D', 'Conv1DTranspose', 'Conv2D', 'Conv2DTranspose',
  'Conv3D', 'Conv3DTranspose', 'ConvLSTM1D', 'ConvLSTM2D', 'ConvLSTM3D', 'Convolution1D',
  'Convolution1DTranspose', 'Convolution2D', 'Convolution2DTranspose', 'Convolution3D',
  'Convolution3DTranspose', 'CosineDecay', 'CosineDecayRestarts', 'CosineSimilarity', 'Cropping1D',
  'Cropping2D', 'Cropping3D', 'CutMix', 'DTypePolicy', 'DTypePolicyMap', 'Dense', 'DepthwiseConv1D',
  'DepthwiseConv2D', 'Dice', 'Discretization', 'Dot', 'Dropout', 'ELU', 'EinsumDense', 'Embedding',
  'Equalization', 'ExponentialDecay', 'F1Score', 'FBetaScore', 'FalseNegatives', 'FalsePositives', 'Flatten',
  'FlaxLayer', 'Float8QuantizationConfig', 'FloatDTypePolicy', 'Ftrl', 'Functional', 'GPTQConfig',
  'GPTQDTypePolicy', 'GRU', 'GRUCell', 'GaussianDropout', 'GaussianNoise', 'GlobalAveragePooling1D',
  'GlobalAveragePooling2D', 'GlobalAveragePooling3D', 'GlobalAvgPool1D', 'GlobalAvgPool2D', 'GlobalAvgPool3D',
  'GlobalMaxPool1D', 'GlobalMaxPool2D', 'GlobalMaxPool3D', 'GlobalMaxPooling1D', 'GlobalMaxPooling2D',
  'GlobalMaxPooling3D', 'GlorotNormal', 'GlorotUniform', 'GroupNormalization', 'GroupQueryAttention',
  'HashedCrossing', 'Hashing', 'HeNormal', 'HeUniform', 'Hinge', 'Huber', 'Identity', 'IdentityInitializer',
  'Initializer', 'InputLayer', 'InputSpec', 'Int4DTypePolicy', 'Int4QuantizationConfig',
  'Int8QuantizationConfig', 'IntegerLookup', 'InverseTimeDecay', 'IoU', 'JaxLayer', 'KLDivergence', 'L1',
  'L1L2', 'L2', 'LSTM', 'LSTMCell', 'Lamb', 'Lambda', 'Layer', 'LayerNormalization', 'LeakyReLU',
  'LearningRateSchedule', 'LecunNormal', 'LecunUniform', 'Lion', 'LogCosh', 'LogCoshError', 'Loss',
  'LossScaleOptimizer', 'Masking', 'MaxNorm', 'MaxNumBoundingBoxes', 'MaxPool1D', 'MaxPool2D', 'MaxPool3D',
  'MaxPooling1D', 'MaxPooling2D', 'MaxPooling3D', 'Maximum', 'Mean', 'MeanAbsoluteError',
  'MeanAbsolutePercentageError', 'MeanIoU', 'MeanMetricWrapper', 'MeanSquaredError',
  'MeanSquaredLogarithmicError', 'MelSpectrogram', 'Metric', 'MinMaxNorm', 'Minimum', 'MixUp', 'Model',
  'MultiHeadAttention', 'MultiOptimizer', 'Multiply', 'Muon', 'Nadam', 'NonNeg', 'Normalization', 'OneHotIoU',
  'OneHotMeanIoU', 'Ones', 'Optimizer', 'OptimizerMap', 'Orthogonal', 'OrthogonalInitializer',
  'OrthogonalRegularizer', 'PReLU', 'PearsonCorrelation', 'Permute', 'PiecewiseConstantDecay', 'Pipeline',
  'Poisson', 'PolynomialDecay', 'Precision', 'PrecisionAtRecall', 'QuantizationConfig', 'QuantizedDTypePolicy',
  'QuantizedFloat8DTypePolicy', 'Quantizer', 'R2Score', 'RMSNormalization', 'RMSprop', 'RNN', 'RandAugment',
  'RandomBrightness', 'RandomColorDegeneration', 'RandomColorJitter', 'RandomContrast', 'RandomCrop',
  'RandomElasticTransform', 'RandomErasing', 'RandomFlip', 'RandomGaussianBlur', 'RandomGrayscale',
  'RandomHue', 'RandomInvert', 'RandomNormal', 'RandomPerspective', 'RandomPosterization', 'RandomRotation',
  'RandomSaturation', 'RandomSharpness', 'RandomShear', 'RandomTranslation', 'RandomUniform', 'RandomZoom',
  'ReLU', 'Recall', 'RecallAtPrecision', 'Regularizer', 'RepeatVector', 'Rescaling', 'Reshape', 'Resizing',
  'ReversibleEmbedding', 'RootMeanSquaredError', 'SGD', 'STFT', 'STFTInitializer', 'STFTSpectrogram',
  'ScheduleFreeAdamW', 'SensitivityAtSpecificity', 'SeparableConv1D', 'SeparableConv2D',
  'SeparableConvolution1D', 'SeparableConvolution2D', 'Sequential', 'SimpleRNN', 'SimpleRNNCell', 'Softmax',
  'Solarization', 'SparseCategoricalAccuracy', 'SparseCategoricalCrossentropy',
  'SparseTopKCategoricalAccuracy', 'SpatialDropout1D', 'SpatialDropout2D', 'SpatialDropout3D',
  'SpecificityAtSensitivity', 'SpectralNormalization', 'SquaredHinge', 'StackedRNNCells', 'StringLookup',
  'Subtract', 'Sum', 'TFSMLayer', 'TextVectorization', 'TimeDistributed', 'TopKCategoricalAccuracy',
  'TorchModuleWrapper', 'TrueNegatives', 'TruePositives', 'TruncatedNormal', 'Tversky', 'UnitNorm',
  'UnitNormalization', 'UpSampling1D', 'UpSampling2D', 'UpSampling3D', 'VarianceScaling', 'Wrapper',
  'ZeroPadding1D', 'ZeroPadding2D', 'ZeroPadding3D', 'Zeros', 'constant', 'glorot_normal', 'glorot_uniform',
  'he_normal', 'he_uniform', 'identity', 'l1', 'l1_l2', 'l2', 'lecun_normal', 'lecun_uniform', 'max_norm',
  'min_max_norm', 'non_neg', 'ones', 'orthogonal', 'orthogonal_regularizer', 'random_normal', 'random_uniform',
  'stft', 'truncated_normal', 'unit_norm', 'variance_scaling', 'zeros',
];

export const KERAS2_CLASSES: readonly string[] = [
  'AbstractRNNCell', 'ClassMethod', 'ConvRNN2D', 'CuDNNGRU', 'CuDNNLSTM', 'DenseFeatures', 'InstanceMethod',
  'InstanceProperty', 'LinearModel', 'LocallyConnected1D', 'LocallyConnected2D', 'PeepholeLSTMCell', 'Policy',
  'RandomFourierFeatures', 'SequenceFeatures', 'SlicingOpLambda', 'SyncBatchNormalization', 'TFOpLambda',
  'TensorFlowOpLayer', 'ThresholdedReLU', 'WideDeepModel', 'KerasTensor', 'Wrapper', 'Layer',
];
