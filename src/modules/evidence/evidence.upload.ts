import type { Multipart } from '@fastify/multipart';
import type { FastifyRequest } from 'fastify';
import { ValidationFailed } from '../../errors.js';
import type { IncomingFile } from './evidence.service.js';

const missingFile = () => new ValidationFailed([{ path: 'file', message: 'Select a file to upload' }]);

/**
 * Reads a multipart/form-data upload (decision 015) part by part, never holding a file: the text
 * fields before the file (`beforeFile` sees them, e.g. the page's CSRF token, before any byte of
 * the file is read), then exactly one file part named `file`, handed to `handle` as a stream with
 * `rest`, which reads what follows and refuses a second file. A form sent with no file chosen
 * (an empty part without a name) is a missing file, as is a request without a file part.
 */
export async function receiveUpload<T>(
  req: FastifyRequest,
  handle: (file: IncomingFile, rest: () => Promise<void>) => Promise<T>,
  beforeFile: (fields: ReadonlyMap<string, string>) => Promise<void> = async () => {},
): Promise<T> {
  if (!req.isMultipart()) throw missingFile();
  const parts = req.parts()[Symbol.asyncIterator]();
  const fields = new Map<string, string>();
  const rest = async () => {
    for (let next = await parts.next(); !next.done; next = await parts.next()) {
      if (next.value.type === 'file') {
        next.value.file.resume();
        throw new ValidationFailed([{ path: 'file', message: 'Send one file only' }]);
      }
    }
  };
  for (let next = await parts.next(); !next.done; next = await parts.next()) {
    const part: Multipart = next.value;
    if (part.type === 'field') {
      if (typeof part.value === 'string') fields.set(part.fieldname, part.value);
      continue;
    }
    await beforeFile(fields);
    if (part.fieldname !== 'file') {
      part.file.resume();
      throw new ValidationFailed([{ path: 'file', message: 'Send the file in a part named file' }]);
    }
    if (part.filename === '') {
      part.file.resume();
      await rest();
      throw missingFile();
    }
    return handle({ stream: part.file, name: part.filename }, rest);
  }
  await beforeFile(fields);
  throw missingFile();
}
