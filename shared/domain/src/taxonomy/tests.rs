use super::*;
use crate::address::{Address, Sequence};
use crate::error::ErrorCode;

#[test]
fn all_ten_layers_and_every_subcategory_are_there() {
    let t = taxonomy();
    assert_eq!(t.version(), "1.3");
    let codes: Vec<_> = t.layers().iter().map(|l| l.code.to_string()).collect();
    assert_eq!(codes, ["G", "S", "L", "M", "W", "B", "P", "T", "C", "R"]);
    assert_eq!(t.subcategory_count(), 770);
}

#[test]
fn every_subcategory_round_trips_code_numeric_and_name() {
    let t = taxonomy();
    for layer in t.layers() {
        for cat in &layer.categories {
            for sub in &cat.subcategories {
                let l = layer.code.to_string();
                let by_code = t.resolve(&l, &cat.code, &sub.code).unwrap();
                let by_number = t.resolve(&l, &format!("{:03}", cat.number), &format!("{:03}", sub.number)).unwrap();
                let by_name = t.resolve(&l, &cat.name, &sub.name).unwrap();
                let by_lower_name =
                    t.resolve(&l.to_lowercase(), &cat.name.to_lowercase(), &sub.name.to_uppercase()).unwrap();
                assert_eq!(by_code, by_number, "{}", by_code.code_path());
                assert_eq!(by_code, by_name);
                assert_eq!(by_code, by_lower_name);
                assert_eq!(
                    (by_code.category.code.as_str(), by_code.subcategory.code.as_str()),
                    (cat.code.as_str(), sub.code.as_str())
                );

                let address = Address { path: by_code, sequence: Sequence::FIRST };
                for spelling in [address.hfn(), address.nna_address(), address.mfa()] {
                    assert_eq!(Address::parse(&spelling), Some(address), "{spelling}");
                }
            }
        }
    }
}

#[test]
fn the_seeds_example_and_layer_prefixed_names() {
    let t = taxonomy();
    let kelly = t.resolve("L", "Casual", "Athleisure").unwrap();
    assert_eq!((kelly.code_path(), kelly.numeric_path()), ("L.CAS.ATL".to_owned(), "3.004.004".to_owned()));
    let star = t.resolve("S", "Stars_Virtual_Avatars", "Base").unwrap();
    assert_eq!(star.code_path(), "S.VAV.BAS");
    assert_eq!(t.resolve("S", "S.VAV", "BAS").unwrap(), star);
    assert_eq!(t.resolve("Stars", "virtual avatars", "base").unwrap(), star);
    assert_eq!(t.resolve("2", "14", "1").unwrap(), star);
}

#[test]
fn branded_and_personalize_have_fixed_numbers() {
    let t = taxonomy();
    assert_eq!(t.resolve("B", "L", "GUC").unwrap().lettered_numeric_path(), "B.001.001");
    assert_eq!(t.resolve("B", "Events", "Festivals").unwrap().numeric_path(), "6.004.002");
    assert_eq!(t.resolve("P", "S", "FAC").unwrap().numeric_path(), "7.001.001");
    assert_eq!(t.resolve("P", "W", "VR").unwrap().code_path(), "P.W.VR");
}

#[test]
fn aliases_resolve_and_live_codes_win_over_remaps() {
    let t = taxonomy();
    assert_eq!(t.resolve("G", "POP", "SWIFT").unwrap().code_path(), "G.POP.TSW");
    // v1.3 reuses the legacy number for a live subcategory, which stays reachable.
    assert_eq!(t.resolve("G", "014", "002").unwrap().code_path(), "G.RFK.TFK");
    assert_eq!(t.resolve("G", "DNC", "007").unwrap().subcategory.name, "Tropical_House");
}

#[test]
fn unknown_parts_are_refused_with_the_valid_choices() {
    let t = taxonomy();
    let e = t.resolve("Z", "x", "y").unwrap_err();
    assert_eq!((e.field.as_str(), e.code), ("layer", ErrorCode::UnknownLayer));
    let e = t.resolve("L", "Formal", "Base").unwrap_err();
    assert_eq!((e.field.as_str(), e.code), ("category", ErrorCode::UnknownCategory));
    assert!(e.message.contains("CAS (Casual)"), "{}", e.message);
    assert_eq!(e.details.unwrap()["validChoices"].as_array().unwrap().len(), 14);
    let e = t.resolve("L", "Casual", "Tuxedo").unwrap_err();
    assert_eq!((e.field.as_str(), e.code), ("subcategory", ErrorCode::UnknownSubcategory));
    assert!(e.message.contains("ATL (Athleisure)"), "{}", e.message);
}

#[test]
fn the_data_file_refuses_ambiguity() {
    let text =
        include_str!("../../data/taxonomy-v1.3.json").replacen("\"BAS\", \"Base\"]", "\"BAS\", \"Global_Pop\"]", 1);
    assert!(load::from_json(&text).err().unwrap().contains("already taken"));
    let missing_layer = r#"{"version":"x","lastUpdated":"x","layers":[],"aliases":[],"remaps":[]}"#;
    assert!(load::from_json(missing_layer).is_err());
}
