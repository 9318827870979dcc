import { cleanFreeText, graphemeLength } from '../src/text/measure.js';
import { checkComment } from '../src/portal/portal.rules.js';

/**
 * The text of the portal benchmark (bench/portal.ts): one news article of Sơn La's province site
 * in Markdown, and residents' comments on it as people write them under such news — thanks,
 * questions about their own case, a parent's phone, a village's schedule, now and then an emoji
 * or a second paragraph — each 20 to 500 user-perceived characters (the length rule of
 * portal.rules.ts, counted as the server counts), reproducible from a seed.
 */
export const ARTICLE = {
  title: 'Sơn La ra quân hướng dẫn kích hoạt tài khoản định danh điện tử mức 2 tới từng bản',
  summary: 'Từ ngày 1/12, các Tổ công nghệ số cộng đồng ở 75 xã, phường tới từng bản, tiểu khu để hướng dẫn bà con kích hoạt VNeID mức 2 và cài ứng dụng VssID.',
  body: `Thực hiện chỉ đạo của Ủy ban nhân dân tỉnh, từ ngày **1/12**, các Tổ công nghệ số cộng đồng trên địa bàn tỉnh Sơn La đồng loạt ra quân hướng dẫn người dân kích hoạt tài khoản định danh điện tử mức 2.

## Lịch ra quân

- **Thứ Bảy, Chủ nhật:** tại nhà văn hóa các bản, tiểu khu, từ 7 giờ 30 đến 11 giờ.
- **Các ngày trong tuần:** tại bộ phận một cửa của Ủy ban nhân dân xã, phường, giờ hành chính.
- Người cao tuổi, người khuyết tật, người ốm đau được tổ đến tận nhà khi đăng ký qua trưởng bản.

## Bà con cần mang theo

1. Căn cước công dân gắn chip (hoặc căn cước).
2. Điện thoại thông minh đang dùng số thuê bao chính chủ.
3. Nếu đổi số điện thoại, mang theo giấy tờ của nhà mạng.

## Lưu ý

Tổ công nghệ số **không bao giờ** hỏi mật khẩu hay mã OTP của bà con qua điện thoại. Ai gọi điện xưng là cán bộ và đòi mã OTP là **kẻ lừa đảo**: hãy báo ngay cho trưởng bản hoặc công an xã.

Mọi thắc mắc, bà con để lại bình luận dưới bài hoặc gọi tổ trưởng tổ công nghệ số của bản mình.`,
};

const SENTENCES = [
  'Cảm ơn tổ công nghệ số bản mình!',
  'Cảm ơn các cháu trong tổ đã nhiệt tình 👍',
  'Thông tin rất hữu ích, tôi đã chia sẻ vào nhóm Zalo của bản.',
  'Nhà tôi bốn người đã kích hoạt xong VNeID mức 2 hôm thứ Bảy vừa rồi, các cháu hướng dẫn rất kỹ.',
  'Cho tôi hỏi bố mẹ tôi đã ngoài 80 tuổi, đi lại khó khăn thì tổ có đến tận nhà không ạ?',
  'Số điện thoại của mẹ tôi đứng tên tôi thì có kích hoạt được không, hay phải ra nhà mạng đổi chủ thuê bao trước?',
  'Bản Hụm có lịch vào sáng Chủ nhật không ạ? Tuần này tôi phải đi nương cả ngày thứ Bảy.',
  'Tôi làm theo hướng dẫn mà ứng dụng cứ báo lỗi xác thực khuôn mặt, chụp mấy lần vẫn không được.',
  'Điện thoại của tôi là máy cũ, không cài được VNeID bản mới, như vậy có cách nào khác không ạ?',
  'Hôm qua có người gọi điện xưng là công an xã, bảo đọc mã OTP để cập nhật định danh, may mà tôi đọc bài này trước nên không đọc cho họ.',
  'Đề nghị tổ bố trí thêm buổi tối, vì ban ngày bà con đi làm rẫy hết, chỉ tối mới có nhà.',
  'Các bạn trẻ trong tổ nói tiếng Thái với người già trong bản nên ai cũng hiểu, rất đáng khen.',
  'Nhờ tổ hướng dẫn cài cả VssID cho bà con, nhiều người đóng bảo hiểm mà chưa biết xem ở đâu.',
  'Căn cước cũ chưa gắn chip thì có làm được không ạ, hay phải đi làm lại căn cước trước?',
  'Tôi ở tiểu khu 3, thấy tổ làm việc rất chu đáo, xếp hàng có số thứ tự, không phải chờ lâu.',
  'Mạng ở bản tôi yếu lắm, hôm ra quân các cháu phải đứng lên đồi mới gửi được hồ sơ.',
  'Sao tài khoản của tôi kích hoạt rồi mà vẫn hiện mức 1 ạ? Tôi đăng ký từ tháng trước rồi.',
  'Rất mong tổ tiếp tục hướng dẫn thanh toán tiền điện, tiền nước qua điện thoại cho bà con.',
  'Con tôi đi làm ở Bắc Ninh, có thể về quê kích hoạt vào dịp Tết được không, hay phải làm ở nơi tạm trú?',
  'Ông bà tôi không biết chữ, tổ có cách nào giúp để các cụ vẫn dùng được không?',
  'Tôi đã đăng ký cho cả nhà qua trưởng bản, mong tổ sớm đến.',
  'Bài viết rõ ràng, dễ hiểu. Nên in ra dán ở nhà văn hóa bản để ai không dùng điện thoại cũng biết.',
  'Hôm trước tôi quên mật khẩu, tổ hướng dẫn lấy lại mật khẩu chỉ mất năm phút.',
  'Nhà tôi ở xa trung tâm xã gần 20 cây số, đường mùa mưa rất khó đi, mong tổ xuống tận bản.',
  'Xin hỏi kích hoạt định danh điện tử có mất tiền không ạ? Có người bảo phải nộp phí.',
  'Không mất tiền đâu bác ơi, tổ hướng dẫn miễn phí hết, nhà em làm rồi.',
  'Tuyệt vời quá, làm xong là đi khám bệnh không cần mang thẻ bảo hiểm giấy nữa.',
  'Cảm ơn ban biên tập, mong có thêm bài hướng dẫn bằng hình ảnh cho người già dễ làm theo.',
  'Tôi thấy có nhiều trang giả mạo VNeID trên mạng, tổ nên hướng dẫn bà con cách nhận biết ứng dụng thật.',
  'Bản Nà Sẳng có lịch ngày nào ạ? Tôi xem trên thông báo của xã mà chưa thấy.',
  'Hôm nay tôi đưa mẹ ra xã làm, các cháu đón tiếp rất niềm nở, xong trong mười lăm phút. Cảm ơn nhiều!',
  'Tổ làm việc rất trách nhiệm 👏👏',
  'Ủng hộ tổ công nghệ số! 💪',
];

const FAMILY = ['Lò', 'Quàng', 'Cầm', 'Lường', 'Tòng', 'Vì', 'Hà', 'Lù', 'Điêu', 'Nguyễn', 'Trần', 'Lê', 'Phạm', 'Đinh', 'Hoàng', 'Giàng', 'Sùng', 'Mùa', 'Thào', 'Bạc'];
const GIVEN = ['Văn Thắng', 'Thị Hiền', 'Văn Minh', 'Thị Bống', 'A Dính', 'Thị Lan', 'Văn Cường', 'Thị Thủy', 'Quang Huy', 'Thị Xuân', 'Văn Sơn', 'Ngọc Ánh', 'Minh Hiếu', 'Thị Yến', 'Văn Tuấn', 'Thu Trang'];
/** Vietnamese mobile prefixes (after the 0): Viettel, VinaPhone, MobiFone. */
const MOBILE = ['96', '97', '98', '86', '32', '35', '38', '91', '94', '88', '83', '90', '93', '70', '77'];

export interface BenchComment {
  name: string;
  /** a Vietnamese mobile number, national form */
  phone: string;
  /** the text as stored (cleaned as the server cleans it), 20–500 graphemes */
  body: string;
  graphemes: number;
}

/** `count` comments from a seeded generator `random` (0 ≤ x < 1). */
export function benchComments(count: number, random: () => number): BenchComment[] {
  const pick = <T>(list: readonly T[]) => list[Math.floor(random() * list.length)];
  const out: BenchComment[] = [];
  for (let i = 0; i < count; i++) {
    // most comments are a sentence or two; one in five is a long one, up to the limit
    const r = random();
    const target = r < 0.4 ? 20 + random() * 60 : r < 0.8 ? 80 + random() * 170 : 250 + random() * 250;
    let body = pick(SENTENCES);
    for (let tries = 0; tries < 12 && graphemeLength(body) < target; tries++) {
      const more = pick(SENTENCES);
      const joined = `${body}${random() < 0.15 ? '\n' : ' '}${more}`;
      if (graphemeLength(joined) <= 500 && !body.includes(more)) body = joined;
    }
    const checked = checkComment(body);
    if (!checked.ok || checked.length < 20) throw new Error(`bình luận mẫu sai độ dài (${checked.length}): ${body}`);
    out.push({ name: `${pick(FAMILY)} ${pick(GIVEN)}`, phone: `0${pick(MOBILE)}${String(Math.floor(random() * 1e7)).padStart(7, '0')}`, body: cleanFreeText(checked.text), graphemes: checked.length });
  }
  return out;
}
