/**
 * API errors as the Kubernetes API server reports them: a `Status` body whose `reason`, `code` and
 * `details` clients (client-go, @kubernetes/client-node) use to tell NotFound from Conflict.
 */

export interface StatusCause {
  reason: string;
  message: string;
  field?: string;
}

export interface StatusDetails {
  name?: string;
  group?: string;
  kind?: string;
  uid?: string;
  causes?: StatusCause[];
  retryAfterSeconds?: number;
}

export interface StatusBody {
  kind: 'Status';
  apiVersion: 'v1';
  metadata: Record<string, never>;
  status: 'Failure' | 'Success';
  message?: string;
  reason?: string;
  details?: StatusDetails;
  code: number;
}

/** A refusal the server answers with; thrown by the pure rules, turned into a response at the edge. */
export class ApiError extends Error {
  constructor(
    readonly code: number,
    readonly reason: string,
    message: string,
    readonly details?: StatusDetails,
  ) {
    super(message);
    this.name = 'ApiError';
  }

  toStatus(): StatusBody {
    const body: StatusBody = {
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: this.message,
      reason: this.reason,
      code: this.code,
    };
    if (this.details) body.details = this.details;
    return body;
  }
}

/** `services` or `ipaddresspools.heraldlb.io`: how the server names a resource in messages. */
export function qualified(group: string, resource: string): string {
  return group ? `${resource}.${group}` : resource;
}

function resourceDetails(group: string, resource: string, name: string): StatusDetails {
  const d: StatusDetails = { name, kind: resource };
  if (group) d.group = group;
  return d;
}

export function notFound(group: string, resource: string, name: string): ApiError {
  return new ApiError(404, 'NotFound', `${qualified(group, resource)} "${name}" not found`, resourceDetails(group, resource, name));
}

export function alreadyExists(group: string, resource: string, name: string): ApiError {
  return new ApiError(409, 'AlreadyExists', `${qualified(group, resource)} "${name}" already exists`, resourceDetails(group, resource, name));
}

export function conflict(group: string, resource: string, name: string, why: string): ApiError {
  return new ApiError(
    409,
    'Conflict',
    `Operation cannot be fulfilled on ${qualified(group, resource)} "${name}": ${why}`,
    resourceDetails(group, resource, name),
  );
}

export const STALE_OBJECT =
  'the object has been modified; please apply your changes to the latest version and try again';

export function badRequest(message: string): ApiError {
  return new ApiError(400, 'BadRequest', message);
}

export function forbidden(group: string, resource: string, name: string, why: string): ApiError {
  const target = name ? `${qualified(group, resource)} "${name}"` : qualified(group, resource);
  return new ApiError(403, 'Forbidden', `${target} is forbidden: ${why}`, resourceDetails(group, resource, name));
}

export function methodNotAllowed(message: string): ApiError {
  return new ApiError(405, 'MethodNotAllowed', message);
}

export function unsupportedMediaType(contentType: string, accepted: string[]): ApiError {
  return new ApiError(
    415,
    'UnsupportedMediaType',
    `the body of the request was in an unknown format (${contentType || 'none given'}) - accepted media types include: ${accepted.join(', ')}`,
  );
}

export function notAcceptable(accept: string): ApiError {
  return new ApiError(406, 'NotAcceptable', `only the following media types are accepted: application/json, application/yaml (asked for ${accept})`);
}

export function expired(message: string): ApiError {
  return new ApiError(410, 'Expired', message);
}

export function unauthorized(): ApiError {
  return new ApiError(401, 'Unauthorized', 'Unauthorized');
}

export function internalError(message: string): ApiError {
  return new ApiError(500, 'InternalError', `Internal error occurred: ${message}`);
}

/** A field-level complaint: `field` is the path as Kubernetes prints it (`spec.ports[0].port`). */
export interface FieldError {
  field: string;
  reason:
    | 'FieldValueRequired'
    | 'FieldValueInvalid'
    | 'FieldValueNotSupported'
    | 'FieldValueDuplicate'
    | 'FieldValueForbidden'
    | 'FieldValueTooLong'
    | 'FieldValueTooMany'
    | 'FieldValueTypeInvalid';
  /** The text after the field path, e.g. `Required value` or `Invalid value: 0: must be positive`. */
  detail: string;
}

export function fieldRequired(field: string, why = ''): FieldError {
  return { field, reason: 'FieldValueRequired', detail: why ? `Required value: ${why}` : 'Required value' };
}

export function fieldInvalid(field: string, value: unknown, why: string): FieldError {
  return { field, reason: 'FieldValueInvalid', detail: `Invalid value: ${describeValue(value)}: ${why}` };
}

export function fieldForbidden(field: string, why: string): FieldError {
  return { field, reason: 'FieldValueForbidden', detail: `Forbidden: ${why}` };
}

export function fieldDuplicate(field: string, value: unknown): FieldError {
  return { field, reason: 'FieldValueDuplicate', detail: `Duplicate value: ${describeValue(value)}` };
}

export function fieldNotSupported(field: string, value: unknown, allowed: unknown[]): FieldError {
  return {
    field,
    reason: 'FieldValueNotSupported',
    detail: `Unsupported value: ${describeValue(value)}: supported values: ${allowed.map(describeValue).join(', ')}`,
  };
}

/** Values in messages look like Go's `%#v` of the JSON value: strings quoted, objects as JSON. */
export function describeValue(v: unknown): string {
  if (typeof v === 'string') return JSON.stringify(v);
  if (v === undefined) return 'null';
  return JSON.stringify(v);
}

/** 422 Invalid, with one cause per field error, worded like the real server. */
export function invalid(group: string, kind: string, name: string, errors: FieldError[]): ApiError {
  const parts = errors.map((e) => (e.field ? `${e.field}: ${e.detail}` : e.detail));
  const joined = parts.length === 1 ? parts[0] : `[${parts.join(', ')}]`;
  const what = group ? `${kind}.${group}` : kind;
  const details: StatusDetails = {
    name,
    kind,
    causes: errors.map((e) => ({ reason: e.reason, message: e.detail, field: e.field })),
  };
  if (group) details.group = group;
  return new ApiError(422, 'Invalid', `${what} "${name}" is invalid: ${joined}`, details);
}
