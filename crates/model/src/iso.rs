//! ISO 3166-1 alpha-2 country codes (the 249 officially assigned codes).

const CODES: &str = "AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ BR BS BT BV BW BY BZ CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ DE DJ DK DM DO DZ EC EE EG EH ER ES ET FI FJ FK FM FO FR GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS GT GU GW GY HK HM HN HR HT HU ID IE IL IM IN IO IQ IR IS IT JE JM JO JP KE KG KH KI KM KN KP KR KW KY KZ LA LB LC LI LK LR LS LT LU LV LY MA MC MD ME MF MG MH MK ML MM MN MO MP MQ MR MS MT MU MV MW MX MY MZ NA NC NE NF NG NI NL NO NP NR NU NZ OM PA PE PF PG PH PK PL PM PN PR PS PT PW PY QA RE RO RS RU RW SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV SX SY SZ TC TD TF TG TH TJ TK TL TM TN TO TR TT TV TW TZ UA UG UM US UY UZ VA VC VE VG VI VN VU WF WS YE YT ZA ZM ZW";

/// One bit per second letter, one word per first letter, built at compile time.
const TABLE: [u32; 26] = {
    let b = CODES.as_bytes();
    let mut t = [0u32; 26];
    let mut i = 0;
    while i + 1 < b.len() {
        t[(b[i] - b'A') as usize] |= 1 << (b[i + 1] - b'A');
        i += 3;
    }
    t
};

/// True if `code` is an officially assigned ISO 3166-1 alpha-2 code.
pub fn is_assigned(code: &str) -> bool {
    match code.as_bytes() {
        [a @ b'A'..=b'Z', b @ b'A'..=b'Z'] => TABLE[(a - b'A') as usize] & (1 << (b - b'A')) != 0,
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn table_has_all_assigned_codes() {
        assert_eq!(super::CODES.split(' ').count(), 249);
        assert!(super::is_assigned("AZ") && super::is_assigned("GE") && !super::is_assigned("EU"));
        for c in super::CODES.split(' ') {
            assert!(super::is_assigned(c), "{c}");
        }
        let assigned = (b'A'..=b'Z')
            .flat_map(|a| (b'A'..=b'Z').map(move |b| [a, b]))
            .filter(|x| super::is_assigned(std::str::from_utf8(x).unwrap()))
            .count();
        assert_eq!(assigned, 249);
    }
}
