import { Aws, Token } from 'aws-cdk-lib';
import * as ecr from 'aws-cdk-lib/aws-ecr';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { SAGEMAKER_CONTAINER, SAGEMAKER_NAME } from '../lib/policy/aws-limits';
import { PropsValidator } from './private/validation';

const ECR_URI = /^(\d{12})\.dkr\.ecr\.([a-z0-9-]+)\.amazonaws\.com(?:\.cn)?\/([a-z0-9][a-z0-9._/-]*)(?::([\w][\w.-]{0,127})|@sha256:[a-f0-9]{64})?$/;
const S3_URL = /^s3:\/\/([a-z0-9][a-z0-9.-]{1,61}[a-z0-9])\/(.+)$/;
const MODEL_PACKAGE_ARN = /^arn:aws[a-z-]*:sagemaker:[a-z0-9-]+:\d{12}:model-package\/([a-zA-Z0-9](-*[a-zA-Z0-9]){0,62})(\/\d+)?$/;

/** The inference container image of a model. */
export class ModelImage {
  /**
   * An image in an ECR repository of yours. The execution role may pull from this repository only.
   * @param tag image tag. @default 'latest'
   */
  public static fromEcrRepository(repository: ecr.IRepository, tag: string = 'latest'): ModelImage {
    return new ModelImage(repository.repositoryUriForTag(tag), repository.repositoryArn);
  }

  /**
   * An image by URI. An ECR URI (`<account>.dkr.ecr.<region>.amazonaws.com/<repo>:<tag>`,
   * including the public SageMaker/Deep Learning Containers images) grants pull on that
   * repository only; any other registry gets no ECR permissions.
   */
  public static fromUri(uri: string): ModelImage {
    if (Token.isUnresolved(uri)) {
      return new ModelImage(uri, undefined);
    }
    const m = ECR_URI.exec(uri);
    const repositoryArn = m ? `arn:${Aws.PARTITION}:ecr:${m[2]}:${m[1]}:repository/${m[3]}` : undefined;
    return new ModelImage(uri, repositoryArn);
  }

  private constructor(
    /** The image URI SageMaker pulls. */
    public readonly imageUri: string,
    /** The ECR repository ARN the image lives in, when it is in ECR. */
    public readonly repositoryArn: string | undefined,
  ) {}

  /** @internal */
  public _validate(v: PropsValidator, prop: string): void {
    v.check(Token.isUnresolved(this.imageUri) || this.imageUri.trim().length > 0, prop, this.imageUri, 'a container image URI');
    v.checkPattern(prop, this.imageUri, new RegExp(`^\\S{1,${SAGEMAKER_CONTAINER.maxImageLength}}$`),
      `an image URI of at most ${SAGEMAKER_CONTAINER.maxImageLength} characters without spaces`);
  }
}

/** The model artifact (`model.tar.gz`) in S3. */
export class ModelArtifact {
  /** An object in a bucket. The execution role may read this one object only. */
  public static fromBucket(bucket: s3.IBucket, key: string): ModelArtifact {
    return new ModelArtifact(bucket.s3UrlForObject(key), bucket.arnForObjects(key), key);
  }

  /** An object by `s3://bucket/key` URL. The execution role may read this one object only. */
  public static fromS3Url(url: string): ModelArtifact {
    if (Token.isUnresolved(url)) {
      return new ModelArtifact(url, undefined, undefined);
    }
    const m = S3_URL.exec(url);
    return new ModelArtifact(url, m ? `arn:${Aws.PARTITION}:s3:::${m[1]}/${m[2]}` : undefined, m?.[2]);
  }

  private constructor(
    /** The `s3://` URL SageMaker downloads. */
    public readonly url: string,
    /** The ARN of the one object the execution role may read. */
    public readonly objectArn: string | undefined,
    private readonly key: string | undefined,
  ) {}

  /** @internal */
  public _validate(v: PropsValidator, prop: string): void {
    if (Token.isUnresolved(this.url)) {
      return;
    }
    v.check(this.objectArn !== undefined && this.url.length <= SAGEMAKER_CONTAINER.maxModelDataUrlLength, prop, this.url,
      `an S3 URL 's3://<bucket>/<key>' of at most ${SAGEMAKER_CONTAINER.maxModelDataUrlLength} characters` +
      (this.url.length > SAGEMAKER_CONTAINER.maxModelDataUrlLength ? ` (this one has ${this.url.length})` : ''));
    if (this.key !== undefined && !Token.isUnresolved(this.key)) {
      v.check(!this.key.includes('*') && !this.key.endsWith('/'), prop, this.url,
        'one object (no wildcards, not a prefix ending in "/"): the execution role reads that object only');
    }
  }
}

/** Options for a model built from a container image and an artifact. */
export interface ArtifactModelOptions {
  /** The inference container image. */
  readonly image: ModelImage;
  /**
   * The model artifact. Leave it out for containers that hold the model in the image.
   * @default - no model artifact; the role gets no S3 read permission
   */
  readonly artifact?: ModelArtifact;
  /**
   * Environment variables for the container.
   * @default - none
   */
  readonly environment?: { [key: string]: string };
}

/** Options for a model deployed from a SageMaker Model Registry package. */
export interface ModelPackageOptions {
  /** ARN of the versioned model package, `arn:aws:sagemaker:<region>:<account>:model-package/<group>/<version>`. */
  readonly modelPackageArn: string;
  /**
   * The artifact the package points to, so that the execution role can read it.
   * @default - the role gets no S3 read permission; use this when the package's artifact is in your account
   */
  readonly artifact?: ModelArtifact;
  /**
   * The image the package points to, so that the execution role can pull it.
   * @default - the role gets no ECR pull permission
   */
  readonly image?: ModelImage;
}

/** Where the model comes from. */
export class ModelSource {
  /** A model from a container image and (optionally) an artifact in S3. */
  public static fromArtifact(options: ArtifactModelOptions): ModelSource {
    return new ModelSource(options.image, options.artifact, undefined, options.environment);
  }

  /** A model from a versioned SageMaker Model Registry package. */
  public static fromModelPackage(options: ModelPackageOptions): ModelSource {
    return new ModelSource(options.image, options.artifact, options.modelPackageArn, undefined);
  }

  private constructor(
    /** The image, when known. */
    public readonly image: ModelImage | undefined,
    /** The artifact, when known. */
    public readonly artifact: ModelArtifact | undefined,
    /** The model package ARN, when the model comes from the registry. */
    public readonly modelPackageArn: string | undefined,
    /** Container environment. */
    public readonly environment: { [key: string]: string } | undefined,
  ) {}

  /** @internal */
  public _validate(v: PropsValidator, prop: string): void {
    if (this.modelPackageArn !== undefined && !Token.isUnresolved(this.modelPackageArn)) {
      const group = MODEL_PACKAGE_ARN.exec(this.modelPackageArn)?.[1];
      v.check(group !== undefined && group.length <= SAGEMAKER_NAME.maxLength, `${prop}.modelPackageArn`, this.modelPackageArn,
        "a versioned model package ARN 'arn:aws:sagemaker:<region>:<account>:model-package/<group>/<version>', " +
        'the group name 1 to 63 letters, digits and hyphens');
    }
    this.image?._validate(v, `${prop}.image`);
    this.artifact?._validate(v, `${prop}.artifact`);
    this.validateEnvironment(v, `${prop}.environment`);
  }

  private validateEnvironment(v: PropsValidator, prop: string): void {
    const env = this.environment;
    if (env === undefined || Token.isUnresolved(env)) {
      return;
    }
    const entries = Object.entries(env);
    v.check(entries.length <= SAGEMAKER_CONTAINER.maxEnvironmentEntries, prop, `${entries.length} variables`,
      `at most ${SAGEMAKER_CONTAINER.maxEnvironmentEntries} variables (SageMaker ContainerDefinition.Environment)`);
    let bytes = 0;
    for (const [key, value] of entries) {
      v.check(SAGEMAKER_CONTAINER.environmentKey.test(key) && key.length <= SAGEMAKER_CONTAINER.maxEnvironmentKeyLength, prop, key,
        `variable names of at most ${SAGEMAKER_CONTAINER.maxEnvironmentKeyLength} letters, digits and _, not starting with a digit`);
      if (typeof value === 'string' && Token.isUnresolved(value)) {
        continue;
      }
      v.check(typeof value === 'string' && value.length <= SAGEMAKER_CONTAINER.maxEnvironmentValueLength, `${prop}.${key}`, value,
        `a string of at most ${SAGEMAKER_CONTAINER.maxEnvironmentValueLength} characters`);
      bytes += Buffer.byteLength(key) + (typeof value === 'string' ? Buffer.byteLength(value) : 0);
    }
    v.check(bytes <= SAGEMAKER_CONTAINER.maxEnvironmentBytes, prop, `${bytes} bytes of names and values`,
      `at most ${SAGEMAKER_CONTAINER.maxEnvironmentBytes} bytes in all (SageMaker ContainerDefinition.Environment)`);
  }
}
