// Reading one uploaded file from a multipart request, with clear errors for the usual mistakes.
import type { FastifyRequest } from 'fastify';
import { VigilError } from '../errors.ts';

export interface Upload {
  field: string;
  filename: string;
  mimetype: string;
  bytes: Buffer;
}

export function isMultipart(req: FastifyRequest): boolean {
  return (req.headers['content-type'] ?? '').toLowerCase().startsWith('multipart/form-data');
}

/** Exactly one file; `fields` limits the accepted field names (HMA uses "photo" and "video"). */
export async function readOneUpload(req: FastifyRequest, maxBytes: number, fields?: string[]): Promise<Upload> {
  if (!isMultipart(req)) throw new VigilError('unsupported_media_type', 'send the file as multipart/form-data');
  const files: Upload[] = [];
  for await (const part of req.parts({ limits: { fileSize: maxBytes, files: 2 } })) {
    if (part.type !== 'file') continue;
    if (fields && !fields.includes(part.fieldname)) {
      part.file.resume();
      throw new VigilError(
        'invalid_request',
        `unexpected file field "${part.fieldname}" (expected ${fields.join(' or ')})`,
      );
    }
    const bytes = await part.toBuffer().catch((e: Error & { code?: string }) => {
      if (e.code === 'FST_REQ_FILE_TOO_LARGE')
        throw new VigilError('body_too_large', `the file is larger than the limit of ${maxBytes} bytes`);
      throw new VigilError('invalid_request', `could not read the upload: ${e.message}`);
    });
    files.push({ field: part.fieldname, filename: part.filename, mimetype: part.mimetype, bytes });
  }
  if (files.length !== 1)
    throw new VigilError(
      'invalid_request',
      files.length ? 'only one file per request' : 'no file in the multipart body',
    );
  if (!files[0]!.bytes.length) throw new VigilError('invalid_request', 'the uploaded file is empty');
  return files[0]!;
}
