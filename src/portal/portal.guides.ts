/**
 * The national step-by-step guides the portal shows for a service until a province publishes its
 * own (an article of kind 'guide' for that service replaces it on the province's pages). Markdown,
 * rendered and sanitized like articles (portal.content.ts). Steps follow the apps' own published
 * instructions (Bộ Công an for VNeID, BHXH Việt Nam for VSSID, the National Public Service Portal).
 */
export const DEFAULT_GUIDES: Record<string, { title: string; summary: string; body: string }> = {
  vneid: {
    title: 'Cài VNeID và kích hoạt định danh điện tử mức 2',
    summary: 'Tài khoản định danh mức 2 thay được căn cước giấy khi làm thủ tục, khám bệnh, đi máy bay.',
    body: `## Cần chuẩn bị
- Thẻ căn cước (gắn chip) còn hạn.
- Điện thoại chính chủ có số điện thoại đăng ký tên mình.

## Các bước
1. Vào **CH Play** (Android) hoặc **App Store** (iPhone), tìm "VNeID" của Bộ Công an, bấm **Cài đặt**.
2. Mở VNeID, chọn **Kích hoạt tài khoản định danh điện tử**, nhập số định danh cá nhân (12 số trên căn cước) và số điện thoại.
3. Nhập mã OTP gửi về điện thoại, rồi đặt mật khẩu (8 đến 20 ký tự, có chữ hoa, chữ thường, số và ký tự đặc biệt) và mã bảo vệ 6 số.
4. Nếu đã làm căn cước gắn chip và được cán bộ công an thu nhận hồ sơ mức 2: đăng nhập là dùng được mức 2. Nếu chưa: đến công an xã, mang căn cước, xin **kích hoạt mức 2**.
5. Kiểm tra: mở **Ví giấy tờ** thấy thẻ căn cước điện tử là xong.

## Lưu ý
- Không đưa mật khẩu, mã OTP cho ai, kể cả người xưng là công an qua điện thoại.
- Quên mật khẩu: bấm **Quên mật khẩu** trên màn hình đăng nhập.`,
  },
  vssid: {
    title: 'Cài VSSID — Bảo hiểm xã hội số',
    summary: 'Xem quá trình đóng BHXH, BHYT, dùng thẻ BHYT trên điện thoại khi đi khám.',
    body: `## Các bước
1. Cài ứng dụng **VSSID** của Bảo hiểm xã hội Việt Nam từ CH Play hoặc App Store.
2. Chọn **Đăng ký** (hoặc đăng nhập bằng tài khoản VNeID mức 2 nếu đã có).
3. Nhập mã số BHXH (trên thẻ BHYT), số điện thoại, rồi làm theo hướng dẫn để nhận mật khẩu qua tin nhắn.
4. Đăng nhập, đổi mật khẩu; mở **Thẻ BHYT** để xem thẻ.

## Lưu ý
- Khi đi khám, đưa thẻ BHYT trên VSSID hoặc căn cước gắn chip cho cơ sở khám.`,
  },
  public_services: {
    title: 'Nộp hồ sơ trên Cổng Dịch vụ công quốc gia',
    summary: 'Làm thủ tục hành chính từ nhà: khai sinh, thường trú, cấp đổi giấy tờ…',
    body: `## Các bước
1. Vào **dichvucong.gov.vn** trên điện thoại hoặc máy tính.
2. Bấm **Đăng nhập**, chọn **Tài khoản định danh điện tử** (đăng nhập bằng VNeID).
3. Tìm tên thủ tục (ví dụ "đăng ký khai sinh"), chọn cơ quan giải quyết là xã/phường của mình.
4. Điền tờ khai, chụp và tải lên giấy tờ cần thiết, bấm **Nộp hồ sơ**.
5. Theo dõi kết quả ở **Quản lý hồ sơ**; nhận kết quả tại bộ phận một cửa hoặc qua bưu điện.`,
  },
  cashless: {
    title: 'Thanh toán không dùng tiền mặt',
    summary: 'Mở tài khoản ngân hàng trên điện thoại, chuyển tiền, quét mã QR.',
    body: `## Các bước
1. Cài ứng dụng của ngân hàng (hoặc ví điện tử) mình chọn; mở tài khoản bằng căn cước gắn chip ngay trên ứng dụng.
2. Xác thực khuôn mặt theo hướng dẫn (bắt buộc với giao dịch trên 10 triệu đồng).
3. Để trả tiền: mở ứng dụng, chọn **Quét mã QR**, đưa camera vào mã của người bán, kiểm tra tên người nhận và số tiền, xác nhận.

## Lưu ý
- Ngân hàng không bao giờ gọi điện xin mã OTP. Không bấm vào đường dẫn lạ gửi qua tin nhắn.`,
  },
  ehealth: {
    title: 'Sổ sức khỏe điện tử trên VNeID',
    summary: 'Xem lịch sử khám chữa bệnh, tiêm chủng trên điện thoại.',
    body: `## Các bước
1. Đăng nhập VNeID (cần tài khoản mức 2).
2. Chọn **Sổ sức khỏe điện tử**, đồng ý chia sẻ thông tin.
3. Xem thông tin khám chữa bệnh, tiêm chủng; mang điện thoại khi đi khám để cơ sở y tế tra cứu.`,
  },
  zalo: {
    title: 'Dùng Zalo an toàn',
    summary: 'Nhắn tin, gọi video với người thân và vào nhóm Zalo của thôn, tổ dân phố.',
    body: `## Các bước
1. Cài **Zalo**, đăng ký bằng số điện thoại của mình, nhập mã xác nhận.
2. Để vào nhóm của thôn: nhờ tổ công nghệ số gửi mã QR hoặc đường dẫn nhóm, rồi bấm **Tham gia**.
3. Bật **Xác thực hai lớp** trong Cài đặt › Tài khoản và bảo mật.

## Lưu ý
- Không chuyển tiền theo tin nhắn nhờ vả, kể cả từ người quen: gọi điện hỏi lại trước.`,
  },
};
