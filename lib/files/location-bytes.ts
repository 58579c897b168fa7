// Location metadata in image bytes (pure; lib/files/location.ts applies it to uploads). Nothing is decoded: the
// GPS block of an EXIF (TIFF) structure is emptied where it lies, and a JPEG's XMP packet that names a position
// is dropped. Malformed structures are left as they are (they hold nothing a reader's EXIF tool would find).

const GPS_INFO_TAG = 0x8825;
/** Bytes per value of each TIFF field type (1 BYTE ... 12 DOUBLE; 13 IFD). */
const TYPE_BYTES = [0, 1, 1, 2, 4, 8, 1, 1, 2, 4, 8, 4, 8, 4];

/**
 * Empty the GPS block of a TIFF structure (an EXIF segment's body) in place: every GPS entry and the values it
 * points to are zeroed and the block's entry count set to 0, so the IFD0 pointer names an empty block. Returns
 * whether there was a GPS block with anything in it.
 */
export function gpsFreeTiff(tiff: Buffer): boolean {
  if (tiff.length < 8) return false;
  const order = tiff.toString("latin1", 0, 2);
  if (order !== "II" && order !== "MM") return false;
  const le = order === "II";
  const u16 = (at: number) => (le ? tiff.readUInt16LE(at) : tiff.readUInt16BE(at));
  const u32 = (at: number) => (le ? tiff.readUInt32LE(at) : tiff.readUInt32BE(at));
  const inside = (at: number, length: number) => at >= 0 && at + length <= tiff.length;
  if (u16(2) !== 42) return false;
  const ifd0 = u32(4);
  if (!inside(ifd0, 2)) return false;
  const count = u16(ifd0);
  if (!inside(ifd0 + 2, count * 12)) return false;
  let gps = -1;
  for (let i = 0; i < count; i++) {
    const entry = ifd0 + 2 + i * 12;
    if (u16(entry) === GPS_INFO_TAG) gps = u32(entry + 8);
  }
  if (gps < 0 || !inside(gps, 2)) return false;
  const entries = u16(gps);
  if (entries === 0 || !inside(gps + 2, entries * 12)) return false;
  for (let i = 0; i < entries; i++) {
    const entry = gps + 2 + i * 12;
    const bytes = (TYPE_BYTES[u16(entry + 2)] ?? 0) * u32(entry + 4);
    if (bytes > 4) {
      const at = u32(entry + 8);
      if (inside(at, bytes)) tiff.fill(0, at, at + bytes);
    }
  }
  // the entries, and the next-block pointer after them, become zeros: an empty block with no next
  tiff.fill(0, gps, Math.min(tiff.length, gps + 2 + entries * 12 + 4));
  return true;
}

const EXIF_ID = Buffer.from("Exif\0\0", "latin1");
const XMP_IDS = [Buffer.from("http://ns.adobe.com/xap/1.0/\0", "latin1"), Buffer.from("http://ns.adobe.com/xmp/extension/\0", "latin1")];
/** What an XMP packet says a position with (exif:GPSLatitude, GPSLongitude, GPSAltitude...; Iptc4xmpExt's LocationShown too). */
const XMP_LOCATION = /GPS(Latitude|Longitude|Altitude|DestLatitude|DestLongitude|Coordinates)|LocationShown|LocationCreated/;

/**
 * A JPEG's start (`head`: its first bytes, holding the segments before the image data) without location: the GPS
 * block of its EXIF segment emptied, and XMP segments naming a position dropped. Null when it holds none (or the
 * structure cannot be read in `head`); else the new head and how many bytes of the old one it replaces.
 */
export function jpegWithoutLocation(head: Buffer): { head: Buffer; consumed: number } | null {
  if (head.length < 4 || head[0] !== 0xff || head[1] !== 0xd8) return null;
  const kept: Buffer[] = [head.subarray(0, 2)];
  let at = 2;
  let changed = false;
  while (at + 4 <= head.length) {
    if (head[at] !== 0xff) return null;
    const marker = head[at + 1]!;
    if (marker === 0xff) {
      at++; // fill byte
      continue;
    }
    if (marker === 0xda || marker === 0xd9) break; // image data (or the end): no metadata after it is read here
    if ((marker >= 0xd0 && marker <= 0xd7) || marker === 0x01) {
      kept.push(head.subarray(at, at + 2));
      at += 2;
      continue;
    }
    const length = head.readUInt16BE(at + 2);
    const end = at + 2 + length;
    if (length < 2 || end > head.length) return null;
    const segment = Buffer.from(head.subarray(at, end));
    const body = segment.subarray(4);
    if (marker === 0xe1 && body.subarray(0, 6).equals(EXIF_ID) && gpsFreeTiff(body.subarray(6))) {
      changed = true;
      kept.push(segment);
    } else if (marker === 0xe1 && XMP_IDS.some((id) => body.subarray(0, id.length).equals(id)) && XMP_LOCATION.test(body.toString("latin1"))) {
      changed = true; // dropped
    } else {
      kept.push(segment);
    }
    at = end;
  }
  return changed ? { head: Buffer.concat(kept), consumed: at } : null;
}
