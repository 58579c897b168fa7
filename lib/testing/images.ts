import { crc32 } from "node:zlib";

/**
 * A PNG whose header claims `width` x `height` pixels while its data is a few bytes: a decompression bomb's shape,
 * for the tests that check no request ever decodes one (integration tests and the security suite).
 */
export function pngClaiming(width: number, height: number): Buffer {
  const chunk = (type: string, data: Buffer) => {
    const len = Buffer.alloc(4);
    len.writeUInt32BE(data.length);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(Buffer.concat([Buffer.from(type), data])));
    return Buffer.concat([len, Buffer.from(type), data, crc]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr.set([8, 2, 0, 0, 0], 8); // 8 bits, RGB, deflate, no filter, no interlace
  return Buffer.concat([Buffer.from("89504e470d0a1a0a", "hex"), chunk("IHDR", ihdr), chunk("IDAT", Buffer.alloc(32)), chunk("IEND", Buffer.alloc(0))]);
}

/** The numerators a test photo's GPS position is written with: bytes no image holds by chance. */
export const TEST_GPS_MARK = [0x51515151, 0x7a7a7a7a];

/**
 * An EXIF body ("Exif\0\0" and a little-endian TIFF structure) holding an orientation (6: turn right) and a GPS
 * block with a latitude and a longitude (TEST_GPS_MARK's numerators), as a phone writes them.
 */
export function exifWithLocation(): Buffer {
  const tiff = Buffer.alloc(8 + 2 + 2 * 12 + 4 + 2 + 4 * 12 + 4 + 48);
  tiff.write("II", 0, "latin1");
  tiff.writeUInt16LE(42, 2);
  tiff.writeUInt32LE(8, 4);
  const entry = (at: number, tag: number, type: number, count: number, value: number) => {
    tiff.writeUInt16LE(tag, at);
    tiff.writeUInt16LE(type, at + 2);
    tiff.writeUInt32LE(count, at + 4);
    tiff.writeUInt32LE(value, at + 8);
  };
  // IFD0: Orientation (SHORT 6), GPSInfo (LONG pointer)
  const gps = 8 + 2 + 2 * 12 + 4;
  tiff.writeUInt16LE(2, 8);
  entry(10, 0x0112, 3, 1, 6);
  entry(22, 0x8825, 4, 1, gps);
  // GPS IFD: LatitudeRef "N", Latitude (3 RATIONAL), LongitudeRef "W", Longitude (3 RATIONAL)
  const values = gps + 2 + 4 * 12 + 4;
  tiff.writeUInt16LE(4, gps);
  entry(gps + 2, 1, 2, 2, 0x4e);
  entry(gps + 14, 2, 5, 3, values);
  entry(gps + 26, 3, 2, 2, 0x57);
  entry(gps + 38, 4, 5, 3, values + 24);
  for (const [i, mark] of TEST_GPS_MARK.entries()) {
    for (let k = 0; k < 3; k++) {
      tiff.writeUInt32LE(mark, values + i * 24 + k * 8);
      tiff.writeUInt32LE(1, values + i * 24 + k * 8 + 4);
    }
  }
  return Buffer.concat([Buffer.from("Exif\0\0", "latin1"), tiff]);
}

/** A JPEG (`jpeg`, as made by an encoder) with exifWithLocation() inserted as its first segment. */
export function jpegWithLocation(jpeg: Buffer): Buffer {
  const body = exifWithLocation();
  const head = Buffer.alloc(4);
  head.writeUInt16BE(0xffe1, 0);
  head.writeUInt16BE(body.length + 2, 2);
  return Buffer.concat([jpeg.subarray(0, 2), head, body, jpeg.subarray(2)]);
}

/** Does `bytes` still hold TEST_GPS_MARK's position? */
export function holdsTestLocation(bytes: Buffer): boolean {
  return TEST_GPS_MARK.some((mark) => {
    const b = Buffer.alloc(4);
    b.writeUInt32LE(mark);
    return bytes.includes(b);
  });
}
