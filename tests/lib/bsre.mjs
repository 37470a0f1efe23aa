// A local stand-in for BSrE's signing API (esign-client /api/sign/pdf), for
// the letters tests: HTTP basic auth, a multipart body with file, nik,
// passphrase and tampilan; the "signed" PDF is the PDF with a marker comment
// appended, or 400 {"error": ...} for a wrong passphrase, as BSrE answers.
// It records what it was sent, so a test can see what left the server.
import { createServer } from 'node:http';

export const BSRE_USER = 'pendopo';
export const BSRE_PASSWORD = 'rahasia-bsre';
export const BSRE_NIK = '3303010101800001';
export const BSRE_PASSPHRASE = 'Benar#123';
export const SIGNED_MARK = '%BSrE-signed-by-stand-in';

export async function startBsre() {
  const requests = [];
  const server = createServer(async (req, res) => {
    const chunks = [];
    for await (const c of req) chunks.push(c);
    const body = Buffer.concat(chunks);
    const answer = (status, type, data) => { res.writeHead(status, { 'content-type': type }); res.end(data); };
    const auth = Buffer.from(BSRE_USER + ':' + BSRE_PASSWORD).toString('base64');
    if (req.method !== 'POST' || req.url !== '/api/sign/pdf') return answer(404, 'application/json', '{"error":"not found"}');
    if (req.headers.authorization !== `Basic ${auth}`) return answer(401, 'application/json', '{"error":"Unauthorized"}');
    const form = await new Response(body, { headers: { 'content-type': req.headers['content-type'] } }).formData();
    const file = form.get('file');
    const pdf = file ? Buffer.from(await file.arrayBuffer()) : Buffer.alloc(0);
    requests.push({ nik: form.get('nik'), passphrase: form.get('passphrase'), tampilan: form.get('tampilan'), pdf });
    if (!pdf.subarray(0, 5).equals(Buffer.from('%PDF-'))) return answer(400, 'application/json', '{"error":"Dokumen bukan PDF"}');
    if (form.get('nik') !== BSRE_NIK || form.get('passphrase') !== BSRE_PASSPHRASE)
      return answer(400, 'application/json', '{"error":"Passphrase anda salah","status_code":2031}');
    return answer(200, 'application/pdf', Buffer.concat([pdf, Buffer.from('\n' + SIGNED_MARK + '\n')]));
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${server.address().port}`,
    requests,
    close: () => new Promise((resolve) => server.close(resolve)),
  };
}
